namespace GenieHive.Simulator.Faults;

/// <summary>
/// Applies a fault aimed at explicit <c>paths</c> to the endpoints that have no gate of their own (<c>/health</c>,
/// <c>/metrics</c>, <c>/slots</c>, <c>/props</c>, <c>/v1/models</c>). The model endpoints apply faults themselves,
/// after reading their body. While no such fault is set this costs one field read per request.
/// </summary>
public static class FaultMiddleware
{
    /// <summary>Adds the middleware that injects path-targeted faults (test-only, see <c>/sim/faults</c>).</summary>
    public static IApplicationBuilder UseSimulatedFaults(this IApplicationBuilder app)
    {
        var injector = app.ApplicationServices.GetRequiredService<FaultInjector>();
        var gate = app.ApplicationServices.GetRequiredService<FaultGate>();
        return app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            if (injector.TargetsPaths && !IsModelEndpoint(path) && !path.StartsWithSegments("/sim", StringComparison.OrdinalIgnoreCase))
            {
                var cancellationToken = context.RequestAborted;
                try
                {
                    var decision = await gate.ApplyAsync(context, modelEndpoint: false, cancellationToken).ConfigureAwait(false);
                    if (decision.Handled)
                    {
                        return;
                    }

                    if (decision.DropsConnection)
                    {
                        context.Abort();
                        return;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }

            await next(context).ConfigureAwait(false);
        });
    }

    private static bool IsModelEndpoint(PathString path) =>
        path.StartsWithSegments("/v1/chat", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/v1/completions", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/v1/embeddings", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/v1/audio", StringComparison.OrdinalIgnoreCase);
}
