namespace GenieHive.NodeAgent.Discovery;

/// <summary>Asks one kind of engine what it serves and how busy it is.</summary>
internal interface IEngineDiscoverer
{
    /// <summary>The <c>Discover</c> value this discoverer answers to.</summary>
    string Protocol { get; }

    Task<DiscoveryOutcome> DiscoverAsync(string endpoint, CancellationToken cancellationToken);
}
