namespace GenieHive.NodeAgent.Heartbeat;

/// <summary>
/// Where Control is: <c>services:control:http:0</c> (written by Aspire, or set by hand), the section service
/// discovery resolves <c>http://control</c> from. Read only to know whether a Control is configured at all.
/// </summary>
internal sealed class ControlOptions
{
    public const string SectionName = "services:control";

    public List<string> Http { get; set; } = [];

    public List<string> Https { get; set; } = [];

    public bool Configured => Http.Any(u => !string.IsNullOrWhiteSpace(u)) || Https.Any(u => !string.IsNullOrWhiteSpace(u));
}
