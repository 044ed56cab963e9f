using System.Text.Json;
using System.Text.Json.Serialization;
using GenieHive.Contracts.Cluster;
using GenieHive.Contracts.Keys;
using GenieHive.Contracts.Nodes;
using GenieHive.Contracts.Observations;
using GenieHive.Contracts.Routing;
using Refit;

namespace GenieHive.Contracts.Json;

/// <summary>
/// Source-generated serialization for GenieHive's own wire (<c>/v1/nodes/*</c>, <c>/v1/node/*</c>,
/// <c>/v1/cluster/*</c>): snake_case, nulls written so that shapes stay stable.
/// </summary>
/// <remarks>
/// Properties with a default value (<c>= []</c>, <c>= "openai"</c>, <c>= 10</c>) use <c>set</c>, not <c>init</c>:
/// the source generator assigns every init-only property when it builds the object, so a field missing from
/// the JSON would overwrite its default with null or zero (dotnet/runtime#84484). Keep it that way when adding fields.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    // Deep nesting is refused early instead of walking attacker-sized documents.
    MaxDepth = 64,
    // A key given twice in one object is ambiguous, and a free-form object (heartbeat metrics, benchmark results)
    // holding one throws where it is walked (found by the deep endpoint fuzz run as a 500): refused while reading.
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(HostRegistration))]
[JsonSerializable(typeof(NodeHeartbeat))]
[JsonSerializable(typeof(NodeAck))]
[JsonSerializable(typeof(HostView))]
[JsonSerializable(typeof(ServiceView))]
[JsonSerializable(typeof(RoleView))]
[JsonSerializable(typeof(List<RoleView>))]
[JsonSerializable(typeof(BenchmarkSample))]
[JsonSerializable(typeof(BenchmarkIngest))]
[JsonSerializable(typeof(BenchmarkIngestResult))]
[JsonSerializable(typeof(ClusterHealth))]
[JsonSerializable(typeof(ListResponse<HostView>))]
[JsonSerializable(typeof(ListResponse<ServiceView>))]
[JsonSerializable(typeof(ListResponse<RoleView>))]
[JsonSerializable(typeof(ListResponse<BenchmarkSample>))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(ResolveResponse))]
[JsonSerializable(typeof(RouteMatchRequest))]
[JsonSerializable(typeof(RouteMatchResponse))]
[JsonSerializable(typeof(RoutingTable))]
[JsonSerializable(typeof(RoutingTableDelta))]
[JsonSerializable(typeof(ObservationReport))]
[JsonSerializable(typeof(BenchmarkRunRequest))]
[JsonSerializable(typeof(BenchmarkRun))]
[JsonSerializable(typeof(ListResponse<BenchmarkRun>))]
[JsonSerializable(typeof(ListResponse<BenchmarkWorkloadView>))]
[JsonSerializable(typeof(BenchmarkClaimRequest))]
[JsonSerializable(typeof(BenchmarkRunClaim))]
[JsonSerializable(typeof(BenchmarkCaseMeasurement))]
[JsonSerializable(typeof(BenchmarkRunTarget))]
[JsonSerializable(typeof(BenchmarkTargetFinish))]
[JsonSerializable(typeof(BenchmarkRunFinish))]
[JsonSerializable(typeof(BenchmarkRunLease))]
[JsonSerializable(typeof(BenchmarkSchedule))]
[JsonSerializable(typeof(BenchmarkScheduleRunRequest))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(KeyCreateRequest))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(ListResponse<KeyView>))]
[JsonSerializable(typeof(KeyTable))]
[JsonSerializable(typeof(AuditBatch))]
[JsonSerializable(typeof(AuditPage))]
public sealed partial class GenieHiveJsonContext : JsonSerializerContext
{
    /// <summary>Refit settings that use this context, for every typed client between the services.</summary>
    public static RefitSettings CreateRefitSettings()
    {
        JsonSerializerOptions options = Default.Options;
        return new RefitSettings { ContentSerializer = new SystemTextJsonContentSerializer(options) };
    }
}
