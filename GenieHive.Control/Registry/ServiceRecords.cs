using System.Text.Json;
using GenieHive.Contracts;
using GenieHive.Contracts.Json;
using GenieHive.Contracts.Nodes;
using GenieHive.Control.Storage;

namespace GenieHive.Control.Registry;

/// <summary>Turns a node's service report into the record Control keeps.</summary>
public static class ServiceRecords
{
    /// <summary>Longest <c>state.detail</c> kept, in characters.</summary>
    public const int MaxDetailLength = 1024;

    /// <summary>
    /// Normalises the report (owner host id, default protocol, canonical health and availability), freezes its JSON trees for sharing between
    /// threads, and computes the canonical JSON that decides whether a later report changed anything.
    /// </summary>
    public static ServiceRecord Create(RegisteredService service, double updatedAt, string? hostId = null)
    {
        var normalized = service with
        {
            HostId = hostId ?? service.HostId,
            Protocol = string.IsNullOrWhiteSpace(service.Protocol) ? "openai" : service.Protocol,
            Assets = service.Assets ?? [],
            State = Canonical(service.State),
        };

        foreach (var asset in normalized.Assets)
        {
            StoredJson.Freeze(asset.RequestPolicy?.BodyDefaults);
        }

        var fingerprint = JsonSerializer.SerializeToUtf8Bytes(normalized, GenieHiveJsonContext.Default.RegisteredService);
        return new ServiceRecord(normalized, updatedAt, fingerprint);
    }

    /// <summary>
    /// The state as every reader compares it (the routing rule, listings, the benchmark planner): health and
    /// availability canonical, once here for registrations and heartbeats alike, so nobody lower-cases on their own.
    /// </summary>
    private static ServiceState? Canonical(ServiceState? state)
    {
        if (state is null)
        {
            return null;
        }

        var canonical = state with
        {
            Health = HealthStates.Canonical(state.Health),
            Availability = Availability.Canonical(state.Availability),
        };

        // A probe's error text can be a whole HTML page: keep the start rather than refuse the heartbeat.
        return canonical is { Detail.Length: > MaxDetailLength }
            ? canonical with { Detail = canonical.Detail[..MaxDetailLength] + "…" }
            : canonical;
    }
}
