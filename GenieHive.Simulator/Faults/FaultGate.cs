using System.Globalization;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Wire;

namespace GenieHive.Simulator.Faults;

/// <summary>What a request does after passing the fault gate.</summary>
/// <param name="Handled">The fault answered the request; the handler has nothing more to do.</param>
/// <param name="DropAfterChunks">Abort the connection after this many SSE events (a JSON answer: before its body); -1 never.</param>
public readonly record struct FaultDecision(bool Handled, int DropAfterChunks)
{
    public static FaultDecision Proceed { get; } = new(false, -1);

    public bool DropsConnection => DropAfterChunks >= 0;
}

/// <summary>Applies the fault in force (if any) to a request.</summary>
public sealed partial class FaultGate(FaultInjector injector, SimulatorStats stats, TimeProvider timeProvider, ILogger<FaultGate> logger)
{
    /// <summary>For a model endpoint, after its body was read and found valid.</summary>
    public ValueTask<FaultDecision> ApplyAsync(HttpContext context, CancellationToken cancellationToken) =>
        ApplyAsync(context, modelEndpoint: true, cancellationToken);

    /// <summary>For any request; <paramref name="modelEndpoint"/> says whether a fault without paths applies.</summary>
    public ValueTask<FaultDecision> ApplyAsync(HttpContext context, bool modelEndpoint, CancellationToken cancellationToken)
    {
        var fault = injector.TryTake(context.Request.Path, modelEndpoint);
        return fault is null ? ValueTask.FromResult(FaultDecision.Proceed) : ApplySlowAsync(context, fault, cancellationToken);
    }

    private async ValueTask<FaultDecision> ApplySlowAsync(HttpContext context, FaultState fault, CancellationToken cancellationToken)
    {
        stats.Faulted();
        LogFault(logger, fault.Mode, context.Request.Path);
        switch (fault.Mode)
        {
            case FaultModes.Error:
                var error = new OpenAiError(fault.Status, $"Simulated fault: the engine answered {fault.Status}.", OpenAiError.TypeFor(fault.Status), null);
                await error.WriteAsync(context, fault.RetryAfterSeconds?.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                return new FaultDecision(true, -1);

            case FaultModes.Stall:
                // Never answers: only the client giving up (the request being aborted) ends it.
                await Task.Delay(Timeout.InfiniteTimeSpan, timeProvider, cancellationToken).ConfigureAwait(false);
                return new FaultDecision(true, -1);

            case FaultModes.SlowHeaders:
                await Task.Delay(TimeSpan.FromMilliseconds(fault.DelayMs), timeProvider, cancellationToken).ConfigureAwait(false);
                return FaultDecision.Proceed;

            case FaultModes.DropMidStream:
                return new FaultDecision(false, fault.AfterChunks);

            default:
                return FaultDecision.Proceed;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Injecting fault {Mode} into {Path}")]
    private static partial void LogFault(ILogger logger, string mode, PathString path);
}
