using System.Globalization;
using GenieHive.Contracts;
using GenieHive.Contracts.Nodes;

namespace GenieHive.Control.Nodes;

/// <summary>A field that failed validation, and why (becomes a 400 naming the field).</summary>
public sealed record ValidationError(string Field, string Message);

/// <summary>
/// Checks what a node sends before it touches the registry. Limits on ids and text keep one bad agent from
/// filling memory and the routing table with megabyte strings.
/// </summary>
public static class RegistrationValidator
{
    public const int MaxIdLength = 256;
    public const int MaxTextLength = 2048;
    public const int MaxLabels = 256;
    public const int MaxServices = 1024;
    public const int MaxAssetsPerService = 4096;

    private static readonly string[] SystemPromptPositions = ["prepend", "append", "replace"];

    public static ValidationError? Validate(HostRegistration registration) =>
        Id(registration.HostId, "host_id")
        ?? Text(registration.DisplayName, "display_name", required: false)
        ?? Text(registration.Address, "address", required: true)
        ?? Labels(registration.Labels)
        ?? Services(registration.Services, required: false);

    public static ValidationError? Validate(NodeHeartbeat heartbeat) =>
        Id(heartbeat.HostId, "host_id")
        ?? Text(heartbeat.Status?.State, "status.state", required: false, maxLength: 64)
        ?? (heartbeat.Services is { Count: > 0 } services ? Services(services, required: false) : null);

    private static ValidationError? Services(List<RegisteredService>? services, bool required)
    {
        if (services is null)
        {
            return required ? new ValidationError("services", "is required") : null;
        }

        if (services.Count > MaxServices)
        {
            return new ValidationError("services", $"has more than {MaxServices} entries");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < services.Count; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"services[{i}]");
            var service = services[i];
            if (service is null)
            {
                return new ValidationError(prefix, "must be an object, not null");
            }

            var error = Id(service.ServiceId, prefix + ".service_id")
                ?? Kind(service.Kind, prefix + ".kind")
                ?? Text(service.Protocol, prefix + ".protocol", required: false, maxLength: 64)
                ?? Endpoint(service.Endpoint, prefix + ".endpoint")
                ?? Assets(service.Assets, prefix + ".assets")
                ?? State(service.State, prefix + ".state");
            if (error is not null)
            {
                return error;
            }

            if (!seen.Add(service.ServiceId))
            {
                return new ValidationError(prefix + ".service_id", $"'{service.ServiceId}' appears more than once in this request");
            }
        }

        return null;
    }

    private static ValidationError? Assets(List<ServiceAsset>? assets, string field)
    {
        if (assets is null)
        {
            return null;
        }

        if (assets.Count > MaxAssetsPerService)
        {
            return new ValidationError(field, $"has more than {MaxAssetsPerService} entries");
        }

        for (var i = 0; i < assets.Count; i++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{field}[{i}]");
            var asset = assets[i];
            if (asset is null)
            {
                return new ValidationError(prefix, "must be an object, not null");
            }

            var error = Id(asset.AssetId, prefix + ".asset_id", maxLength: 512)
                ?? NonNegative(asset.ContextSize, prefix + ".context_size")
                ?? NonNegative(asset.MaxContextTokens, prefix + ".max_context_tokens");
            if (error is not null)
            {
                return error;
            }

            if (asset.RequestPolicy?.SystemPromptPosition is { } position && !SystemPromptPositions.Contains(position, StringComparer.Ordinal))
            {
                return new ValidationError(prefix + ".request_policy.system_prompt_position", "must be prepend, append or replace");
            }
        }

        return null;
    }

    private static ValidationError? State(ServiceState? state, string field) =>
        state is null
            ? null
            : Text(state.Health, field + ".health", required: false, maxLength: 64)
                ?? AvailabilityValue(state.Availability, field + ".availability")
                ?? Text(state.LoadState, field + ".load_state", required: false, maxLength: 64);

    // Any case is accepted (ServiceRecords keeps the canonical word); an unknown word is refused.
    private static ValidationError? AvailabilityValue(string? availability, string field) =>
        string.IsNullOrWhiteSpace(availability) || Availability.Canonical(availability) is not null
            ? null
            : new ValidationError(field, "must be one of " + string.Join(", ", Availability.All));

    private static ValidationError? Kind(string? kind, string field) =>
        string.IsNullOrEmpty(kind) ? new ValidationError(field, "is required")
        : ServiceKinds.IsKnown(kind) ? null
        : new ValidationError(field, "must be " + ServiceKinds.Expected);

    private static ValidationError? Endpoint(string? endpoint, string field)
    {
        var error = Text(endpoint, field, required: true);
        if (error is not null)
        {
            return error;
        }

        return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && !string.IsNullOrEmpty(uri.Host)
                ? null
                : new ValidationError(field, "must be an absolute http or https URL");
    }

    private static ValidationError? Labels(Dictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return null;
        }

        if (labels.Count > MaxLabels)
        {
            return new ValidationError("labels", $"has more than {MaxLabels} entries");
        }

        foreach (var (key, value) in labels)
        {
            if (key.Length is 0 or > MaxIdLength)
            {
                return new ValidationError("labels", $"keys must be 1 to {MaxIdLength} characters");
            }

            if (value is null || value.Length > MaxTextLength)
            {
                return new ValidationError("labels." + key, $"must be a string of at most {MaxTextLength} characters");
            }
        }

        return null;
    }

    private static ValidationError? Id(string? value, string field, int maxLength = MaxIdLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new ValidationError(field, "is required and must not be empty");
        }

        if (value.Length > maxLength)
        {
            return new ValidationError(field, $"must be at most {maxLength} characters");
        }

        if (value.Any(char.IsControl) || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            return new ValidationError(field, "must not contain control characters or surrounding spaces");
        }

        return null;
    }

    private static ValidationError? Text(string? value, string field, bool required, int maxLength = MaxTextLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? new ValidationError(field, "is required and must not be empty") : null;
        }

        return value.Length > maxLength ? new ValidationError(field, $"must be at most {maxLength} characters") : null;
    }

    private static ValidationError? NonNegative(int? value, string field) =>
        value is < 0 ? new ValidationError(field, "must not be negative") : null;
}
