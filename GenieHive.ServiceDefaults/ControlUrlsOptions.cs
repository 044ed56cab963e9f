namespace GenieHive.ServiceDefaults;

/// <summary>
/// Where Control is: <c>services:control:http:0</c>, <c>:1</c>, ... then <c>services:control:https:0</c>, ... (written
/// by Aspire, or set by hand). Several URLs are several Control replicas; clients use one at a time and move on when it
/// fails (<see cref="ControlEndpoints"/>).
/// </summary>
public sealed class ControlUrlsOptions
{
    public const string SectionName = "services:control";

    public List<string> Http { get; set; } = [];

    public List<string> Https { get; set; } = [];

    /// <summary>Every configured URL that parses as an absolute URI, http ones first, in configured order, without repeats.</summary>
    public IReadOnlyList<Uri> Endpoints =>
        Http.Concat(Https)
            .Select(static url => Uri.TryCreate(url?.Trim(), UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .Distinct()
            .ToArray();

    public bool Configured => Endpoints.Count > 0;
}
