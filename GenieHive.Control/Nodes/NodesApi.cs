using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Control.Auth;
using GenieHive.Control.Http;
using GenieHive.Control.Registry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Control.Nodes;

/// <summary>The node API (<c>/v1/nodes/*</c>): what node agents call, with the node key.</summary>
public static class NodesApi
{
    /// <summary>Maps <c>POST /v1/nodes/register</c> and <c>POST /v1/nodes/heartbeat</c> behind the node key.</summary>
    public static RouteGroupBuilder MapNodesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/nodes")
            .AddEndpointFilter<NodeKeyFilter>()
            .WithTags("Nodes");

        group.MapPost("/register", RegisterAsync);
        group.MapPost("/heartbeat", HeartbeatAsync);
        return group;
    }

    private static async Task<Results<Ok<NodeAck>, ProblemHttpResult>> RegisterAsync(
        HttpRequest request, JsonBody body, NodeRegistrar registrar, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.HostRegistration, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var registration = read.Value!;
        if (RegistrationValidator.Validate(registration) is { } error)
        {
            return Problems.BadRequest($"{error.Field} {error.Message}.", error.Field);
        }

        var outcome = await registrar.RegisterAsync(registration, cancellationToken);
        return outcome.Status == RegistryStatus.Ok
            ? TypedResults.Ok(new NodeAck("ok", outcome.Host!))
            : Conflict(outcome);
    }

    private static async Task<Results<Ok<NodeAck>, ProblemHttpResult>> HeartbeatAsync(
        HttpRequest request, JsonBody body, NodeRegistrar registrar, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(request, GenieHiveJsonContext.Default.NodeHeartbeat, cancellationToken);
        if (read.Problem is not null)
        {
            return read.Problem;
        }

        var heartbeat = read.Value!;
        if (RegistrationValidator.Validate(heartbeat) is { } error)
        {
            return Problems.BadRequest($"{error.Field} {error.Message}.", error.Field);
        }

        var outcome = await registrar.HeartbeatAsync(heartbeat, cancellationToken);
        return outcome.Status switch
        {
            RegistryStatus.Ok => TypedResults.Ok(new NodeAck("ok", outcome.Host!)),
            RegistryStatus.UnknownHost => Problems.NotFound(
                "Unknown host",
                $"Host '{heartbeat.HostId}' is not registered; register it again.",
                new Dictionary<string, object?> { ["error"] = "unknown_host", ["host_id"] = heartbeat.HostId }),
            _ => Conflict(outcome),
        };
    }

    private static ProblemHttpResult Conflict(RegistryOutcome outcome) =>
        Problems.Conflict(
            $"Service '{outcome.ConflictServiceId}' is registered by host '{outcome.ConflictOwner}'.",
            new Dictionary<string, object?>
            {
                ["error"] = "service_owned_by_another_host",
                ["service_id"] = outcome.ConflictServiceId,
                ["owner_host_id"] = outcome.ConflictOwner,
            });
}
