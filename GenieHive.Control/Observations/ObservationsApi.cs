using System.Globalization;
using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Observations;
using GenieHive.Control.Auth;
using GenieHive.Control.Http;
using GenieHive.Control.Nodes;
using GenieHive.Control.Registry;
using GenieHive.Control.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Observations;

/// <summary><c>POST /v1/cluster/observations</c>: what a facade measured per service, every second or two.</summary>
public static class ObservationsApi
{
    /// <summary>Maps the observation report endpoint.</summary>
    public static RouteGroupBuilder MapObservationsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapClientKeyGroup("/v1/cluster", "Observations");

        group.MapPost("/observations", ReportAsync);
        return group;
    }

    private static async Task<Results<Ok<StatusResponse>, ProblemHttpResult>> ReportAsync(
        HttpRequest request,
        JsonBody body,
        ObservationMerger observations,
        ObservationSync sharing,
        ClusterRegistry registry,
        RoutingChanges changes,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.ObservationReport, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var report = read.Value!;
        if (Validate(report) is { } error)
        {
            return Problems.BadRequest($"{error.Field} {error.Message}.", error.Field);
        }

        var now = time.UnixSeconds();
        if (observations.Apply(report, registry.ContainsService, now))
        {
            changes.Mark();
        }

        sharing.Stage(report, registry.ContainsService, now);

        return TypedResults.Ok(new StatusResponse("ok"));
    }

    private static ValidationError? Validate(ObservationReport report)
    {
        if (string.IsNullOrWhiteSpace(report.ReporterId) || report.ReporterId.Length > RegistrationValidator.MaxIdLength)
        {
            return new("reporter_id", "is required (at most 256 characters)");
        }

        if (report.Services is null)
        {
            return new("services", "must be a list");
        }

        for (var i = 0; i < report.Services.Count; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"services[{i}]");
            var o = report.Services[i];
            if (o is null)
            {
                return new(prefix, "must be an object, not null");
            }

            var error = string.IsNullOrWhiteSpace(o.ServiceId) ? new ValidationError(prefix + ".service_id", "is required")
                : o.Requests < 0 ? new(prefix + ".requests", "must not be negative")
                : o.Errors < 0 ? new(prefix + ".errors", "must not be negative")
                : o.InFlight < 0 ? new(prefix + ".in_flight", "must not be negative")
                : o.ConsecutiveFailures < 0 ? new(prefix + ".consecutive_failures", "must not be negative")
                : Measure(o.P50LatencyMs, prefix + ".p50_latency_ms")
                    ?? Measure(o.P95LatencyMs, prefix + ".p95_latency_ms")
                    ?? Measure(o.TtftMs, prefix + ".ttft_ms")
                    ?? Measure(o.TokensPerSec, prefix + ".tokens_per_sec")
                    ?? Measure(o.CooldownUntil, prefix + ".cooldown_until")
                    ?? (o.CooldownReason is { Length: > 256 } ? new(prefix + ".cooldown_reason", "must be at most 256 characters") : null);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static ValidationError? Measure(double? value, string field) =>
        value is { } number && (!double.IsFinite(number) || number < 0) ? new(field, "must be a finite, non-negative number") : null;
}
