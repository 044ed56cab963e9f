using GenieHive.Contracts;
using GenieHive.Contracts.Cluster;
using GenieHive.Control.Benchmarks.Workloads;
using GenieHive.Control.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using GenieHive.Routing;
using Microsoft.Extensions.Options;

namespace GenieHive.Control.Benchmarks.Runs;

/// <summary>A planned run, or why a request cannot become one (HTTP status, message, field).</summary>
public sealed record RunPlan(BenchmarkRun? Run, int Status, string? Problem, string? Field)
{
    public static RunPlan Ok(BenchmarkRun run) => new(run, StatusCodes.Status202Accepted, null, null);

    public static RunPlan Invalid(string problem, string? field = null) => new(null, StatusCodes.Status400BadRequest, problem, field);

    public static RunPlan NotFound(string problem, string field) => new(null, StatusCodes.Status404NotFound, problem, field);

    public static RunPlan Conflict(string problem, string? field = null) => new(null, StatusCodes.Status409Conflict, problem, field);

    /// <summary>Why the request cannot run, as the ProblemDetails its endpoint answers (naming the field).</summary>
    public ProblemHttpResult ToProblem() => TypedResults.Problem(
        statusCode: Status,
        title: Status switch
        {
            StatusCodes.Status404NotFound => "Not found",
            StatusCodes.Status409Conflict => "Conflict",
            _ => "Invalid request",
        },
        detail: Problem,
        extensions: Field is null ? null : new Dictionary<string, object?> { ["field"] = Field });
}

/// <summary>
/// Turns a run request into a queued run with its services fixed up front, from the routing table as it is now:
/// a service (which must be routable), the eligible services of a role (the ranked candidates the routing brain
/// explains for it, fallbacks included), or every routable service of a kind.
/// </summary>
public sealed class BenchmarkRunPlanner(
    WorkloadCatalog workloads,
    RoutingTablePublisher publisher,
    IOptions<BenchmarksOptions> options,
    TimeProvider time)
{
    public const string TargetService = "service";
    public const string TargetRole = "role";
    public const string TargetKind = "kind";

    public RunPlan Plan(BenchmarkRunRequest request, string trigger)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(request.Workload))
        {
            return RunPlan.Invalid("workload is required (GET /v1/cluster/benchmarks/workloads lists them).", "workload");
        }

        if (workloads.Find(request.Workload) is not { } workload)
        {
            return RunPlan.NotFound($"Unknown workload '{request.Workload}' (GET /v1/cluster/benchmarks/workloads lists them).", "workload");
        }

        var chosen = new[] { request.ServiceId, request.Role, request.Kind }.Count(value => !string.IsNullOrWhiteSpace(value));
        if (chosen != 1)
        {
            return RunPlan.Invalid("Set exactly one of service_id, role or kind.", "service_id");
        }

        var timeout = request.TimeoutSeconds ?? settings.DefaultTimeoutSeconds;
        if (!(timeout > 0) || timeout > settings.MaxTimeoutSeconds)
        {
            return RunPlan.Invalid($"timeout_seconds must be above 0 and at most {settings.MaxTimeoutSeconds} ({BenchmarksOptions.SectionName}:MaxTimeoutSeconds).", "timeout_seconds");
        }

        var repetitions = request.Repetitions ?? 1;
        if (repetitions < 1 || repetitions > settings.MaxRepetitions)
        {
            return RunPlan.Invalid($"repetitions must be from 1 to {settings.MaxRepetitions} ({BenchmarksOptions.SectionName}:MaxRepetitions).", "repetitions");
        }

        var now = time.UnixSeconds();
        var publication = publisher.Fresh();
        var table = publication.Table;
        string targetType, targetName;
        List<ServiceView> services;
        if (!string.IsNullOrWhiteSpace(request.ServiceId))
        {
            (targetType, targetName) = (TargetService, request.ServiceId.Trim());
            var service = table.Services.FirstOrDefault(s => string.Equals(s.ServiceId, targetName, StringComparison.Ordinal));
            if (service is null)
            {
                return RunPlan.NotFound($"Unknown service '{targetName}'.", "service_id");
            }

            if (!string.Equals(service.Kind, workload.Kind, StringComparison.Ordinal))
            {
                return RunPlan.Invalid($"Service '{targetName}' is a {service.Kind} service; workload '{workload.Name}' is for {workload.Kind}.", "service_id");
            }

            if (!service.Routable)
            {
                var host = table.Hosts.FirstOrDefault(h => string.Equals(h.HostId, service.HostId, StringComparison.Ordinal));
                return RunPlan.Conflict($"Service '{targetName}' takes no traffic now ({Routability.Refusal(service, host, now)}).", "service_id");
            }

            services = [service];
        }
        else if (!string.IsNullOrWhiteSpace(request.Role))
        {
            (targetType, targetName) = (TargetRole, request.Role.Trim());
            var role = table.Roles.FirstOrDefault(r => string.Equals(r.RoleId, targetName, StringComparison.Ordinal));
            if (role is null)
            {
                return RunPlan.NotFound($"Unknown role '{targetName}'.", "role");
            }

            if (!string.Equals(role.Operation, workload.Kind, StringComparison.Ordinal))
            {
                return RunPlan.Invalid($"Role '{targetName}' is a {role.Operation} role; workload '{workload.Name}' is for {workload.Kind}.", "role");
            }

            var resolution = publication.Snapshot.Explain(targetName, role.Operation, now);
            if (resolution is null || !string.Equals(resolution.MatchType, "role", StringComparison.Ordinal))
            {
                return RunPlan.Conflict($"'{targetName}' resolves to a service or asset of that name, not to the role.", "role");
            }

            var byId = table.Services.ToDictionary(s => s.ServiceId, StringComparer.Ordinal);
            services = [.. resolution.Candidates.Select(c => byId.GetValueOrDefault(c.ServiceId)).OfType<ServiceView>()];
            if (services.Count == 0)
            {
                return RunPlan.Conflict($"Role '{targetName}' has no eligible service now (GET /v1/cluster/routes/resolve?model={targetName} says why).", "role");
            }
        }
        else
        {
            (targetType, targetName) = (TargetKind, request.Kind!.Trim());
            if (!ServiceKinds.IsKnown(targetName))
            {
                return RunPlan.Invalid($"Unknown kind '{targetName}'; expected {ServiceKinds.Chat} or {ServiceKinds.Embeddings}.", "kind");
            }

            if (!string.Equals(targetName, workload.Kind, StringComparison.Ordinal))
            {
                return RunPlan.Invalid($"Workload '{workload.Name}' is for {workload.Kind}, not {targetName}.", "kind");
            }

            services = [.. table.Services
                .Where(s => s.Routable && string.Equals(s.Kind, targetName, StringComparison.Ordinal))
                .OrderBy(s => s.ServiceId, StringComparer.Ordinal)];
            if (services.Count == 0)
            {
                return RunPlan.Conflict($"No {targetName} service takes traffic now.", "kind");
            }
        }

        var caseCount = workload.Cases.Count * repetitions;
        return RunPlan.Ok(new BenchmarkRun
        {
            Id = "run_" + Guid.NewGuid().ToString("N")[..12],
            Status = BenchmarkRunStatuses.Queued,
            Workload = workload.Name,
            Kind = workload.Kind,
            TargetType = targetType,
            TargetName = targetName,
            Trigger = trigger,
            TimeoutSeconds = timeout,
            Repetitions = repetitions,
            CaseCount = caseCount,
            CreatedAt = now,
            Targets = [.. services.Select(service => new BenchmarkRunTarget
            {
                ServiceId = service.ServiceId,
                HostId = service.HostId,
                AssetId = UpstreamAsset(service),
                CasesTotal = caseCount,
            })],
        });
    }

    /// <summary>The asset a request naming the service is answered with: the first loaded one, else the first.</summary>
    public static string? UpstreamAsset(ServiceView service) =>
        service.Assets.FirstOrDefault(asset => asset.Loaded)?.AssetId ?? service.Assets.FirstOrDefault()?.AssetId;
}
