using System.Text.Json;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Wire;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Simulator.Faults;

/// <summary>
/// Test-only surfaces under <c>/sim</c>: inject faults into the model endpoints (<c>/sim/faults</c>) and read
/// what the simulator saw (<c>/sim/stats</c>). Not part of any real engine's API.
/// </summary>
public static partial class FaultsApi
{
    /// <summary>Maps <c>GET|POST|DELETE /sim/faults</c> and <c>GET|DELETE /sim/stats</c>.</summary>
    public static RouteGroupBuilder MapFaultsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/sim");
        group.MapGet("/faults", (FaultInjector faults) => TypedResults.Json(faults.Current, SimulatorJson.Context.FaultState));
        group.MapPost("/faults", SetFaultAsync);
        group.MapDelete("/faults", (FaultInjector faults) =>
        {
            faults.Reset();
            return TypedResults.Json(faults.Current, SimulatorJson.Context.FaultState);
        });
        group.MapGet("/stats", GetStats);
        group.MapDelete("/stats", (SimulatorStats stats, SlotPool slots, ModelResidency residency) =>
        {
            stats.Reset();
            return GetStats(stats, slots, residency);
        });
        return group;
    }

    private static async Task<Results<JsonHttpResult<FaultState>, OpenAiError>> SetFaultAsync(
        HttpContext context,
        FaultInjector faults,
        ILoggerFactory loggers)
    {
        FaultSettings? settings;
        try
        {
            settings = await JsonSerializer.DeserializeAsync(context.Request.Body, SimulatorJson.Context.FaultSettings, context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            return OpenAiError.BadRequest("The fault is not valid JSON: " + exception.Message);
        }

        if (settings is null)
        {
            return OpenAiError.BadRequest("Expected a fault object, e.g. {\"mode\":\"error\",\"status\":503}.");
        }

        var error = faults.Set(settings);
        if (error is not null)
        {
            return OpenAiError.BadRequest(error);
        }

        var current = faults.Current;
        LogFaultSet(loggers.CreateLogger(typeof(FaultsApi).FullName!), current.Mode, current.Remaining);
        return TypedResults.Json(current, SimulatorJson.Context.FaultState);
    }

    private static JsonHttpResult<SimStats> GetStats(SimulatorStats stats, SlotPool slots, ModelResidency residency)
    {
        var chat = stats.ReceivedBy(SimEndpoint.ChatCompletions);
        var completions = stats.ReceivedBy(SimEndpoint.Completions);
        var embeddings = stats.ReceivedBy(SimEndpoint.Embeddings);
        var transcriptions = stats.ReceivedBy(SimEndpoint.Transcriptions);
        return TypedResults.Json(
            new SimStats(
                new SimRequestCounts(chat, completions, embeddings, transcriptions, chat + completions + embeddings + transcriptions),
                slots.Processing,
                slots.Deferred,
                stats.CompletedCount,
                stats.RejectedCount,
                stats.FaultedCount,
                stats.CancelledCount,
                stats.LastCancelledAt,
                residency.Waiting,
                residency.Loads,
                residency.Evictions),
            SimulatorJson.Context.SimStats);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Fault injection set to {Mode} for {Remaining} requests (null: until reset)")]
    private static partial void LogFaultSet(ILogger logger, string mode, long? remaining);
}
