namespace GenieHive.Benchmarker;

/// <summary>Names this assembly for <c>WebApplicationFactory&lt;T&gt;</c> (every service has a <c>Program</c>).</summary>
public sealed class BenchmarkerMarker;
