using System.Globalization;

namespace GenieHive.AppHost;

/// <summary>The resources of the local topology, one extension per kind of resource.</summary>
public static class ClusterTopology
{
    private const string BenchmarkerName = "benchmarker";

    /// <summary>
    /// A Control (<paramref name="name"/>: <c>control</c>, or <c>control-2</c> for a replica): its database as
    /// <c>ConnectionStrings:geniehive</c> (SQLite, or PostgreSQL with <c>GenieHive:Storage:Provider=postgres</c>), the
    /// role catalog and both API surfaces (node and operator).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddControl(
        this IDistributedApplicationBuilder builder,
        string name,
        IResourceBuilder<IResourceWithConnectionString> database,
        IResourceBuilder<ParameterResource> clientKey,
        IResourceBuilder<ParameterResource> nodeKey,
        AppHostSettings settings) =>
        builder.AddProject<Projects.GenieHive_Control>(name, launchProfileName: null)
            .WithHttpEndpoint(name: "http")
            .WithReference(database, connectionName: "geniehive")
            .WaitFor(database)
            .WithEnvironment("GenieHive__Storage__Provider", database.Resource is PostgresServerResource ? "postgres" : "sqlite")
            .WithEnvironment("GenieHive__Auth__ClientApiKeys__0", clientKey)
            .WithEnvironment("GenieHive__Auth__NodeApiKeys__0", nodeKey)
            .WithEnvironment("GenieHive__Roles__Path", settings.RolesPath)
            .WithEnvironment("GenieHive__Routing__HostTimeoutSeconds", Invariant(settings.HostTimeoutSeconds))
            .WithHttpHealthCheck("/health");

    /// <summary>
    /// A facade (<paramref name="name"/>: <c>facade</c> on the fixed, documented address <c>http://localhost:8800</c>
    /// unless overridden; <c>facade-2</c> of the scale-out shape on the next port).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddFacade(
        this IDistributedApplicationBuilder builder,
        string name,
        int port,
        IResourceBuilder<ProjectResource> control,
        IResourceBuilder<ParameterResource> clientKey) =>
        builder.AddProject<Projects.GenieHive_Facade>(name, launchProfileName: null)
            // Port 0 (tests) lets Aspire pick a free port; otherwise the documented fixed address.
            .WithHttpEndpoint(port: port == 0 ? null : port, name: "http")
            .WithExternalHttpEndpoints()
            .WithReference(control)
            .WaitFor(control)
            .WithEnvironment("GenieHive__Auth__ClientApiKeys__0", clientKey)
            .WithHttpHealthCheck("/health");

    /// <summary>
    /// The scale-out shape's second Control replica (<c>control-2</c>, on the same PostgreSQL) and second facade
    /// (<c>facade-2</c>, on the port after the first's). Every facade and node agent added so far gets control-2 as its
    /// second Control URL (<c>services__control__http__1</c>), moving there when <c>control</c> fails; the benchmarker
    /// follows one URL. Call it after every client of Control is added.
    /// </summary>
    public static void AddScaleOutReplicas(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<IResourceWithConnectionString> database,
        IResourceBuilder<ProjectResource> control,
        IResourceBuilder<ParameterResource> clientKey,
        IResourceBuilder<ParameterResource> nodeKey,
        AppHostSettings settings)
    {
        var replica = builder.AddControl("control-2", database, clientKey, nodeKey, settings);
        builder.AddFacade("facade-2", settings.FacadePort == 0 ? 0 : settings.FacadePort + 1, control, clientKey);
        // The clients are the resources that reference control (WithReference), the benchmarker aside.
        var clients = builder.Resources.OfType<ProjectResource>()
            .Where(r => r.Name != BenchmarkerName && r.Annotations.OfType<ResourceRelationshipAnnotation>()
                .Any(a => a.Resource == control.Resource && a.Type == "Reference"))
            .ToList();
        foreach (var client in clients)
        {
            builder.CreateResourceBuilder(client).WithEnvironment("services__control__http__1", replica.GetEndpoint("http"));
        }
    }

    /// <summary>
    /// The benchmarker: claims the benchmark runs Control queues and measures them through the facade, as clients call
    /// it, reporting back to Control; also where the schedule is acted on. It references both; neither references it,
    /// so the references stay a chain (benchmarker → facade → control) without a cycle.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddBenchmarker(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> control,
        IResourceBuilder<ProjectResource> facade,
        IResourceBuilder<ParameterResource> clientKey) =>
        builder.AddProject<Projects.GenieHive_Benchmarker>(BenchmarkerName, launchProfileName: null)
            .WithHttpEndpoint(name: "http")
            .WithReference(control)
            .WithReference(facade)
            .WaitFor(facade)
            .WithEnvironment("GenieHive__Benchmarker__ApiKey", clientKey)
            .WithHttpHealthCheck("/health");

    /// <summary>A simulated host: an engine simulator and a node agent that registers its services with Control.</summary>
    public static IResourceBuilder<ProjectResource> AddSimulatedHost(
        this IDistributedApplicationBuilder builder,
        SimulatedHost host,
        IResourceBuilder<ProjectResource> control,
        IResourceBuilder<ParameterResource> nodeKey,
        AppHostSettings settings)
    {
        var engine = builder.AddProject<Projects.GenieHive_Simulator>($"sim-{host.Name}", launchProfileName: null)
            .WithHttpEndpoint(name: "http")
            .WithEnvironment("Simulator__TimeToFirstTokenMs", Invariant(host.Engine.TimeToFirstTokenMs))
            .WithEnvironment("Simulator__TokensPerSecond", Invariant(host.Engine.TokensPerSecond))
            .WithEnvironment("Simulator__Slots", Invariant(host.Engine.Slots))
            .WithEnvironment("Simulator__ContextSize", Invariant(host.Engine.ContextSize))
            .WithHttpHealthCheck("/health");
        SetList(engine, "Simulator__ChatModels", host.Engine.ChatModels);
        SetList(engine, "Simulator__EmbeddingModels", host.Engine.EmbeddingModels);
        SetList(engine, "Simulator__TranscriptionModels", host.Engine.TranscriptionModels);

        var agent = builder.AddNodeAgent($"node-{host.Name}", host.Name, host.DisplayName, control, nodeKey, settings)
            .WaitFor(engine);
        for (var i = 0; i < host.Services.Count; i++)
        {
            var service = host.Services[i];
            var prefix = $"GenieHive__Node__Services__{i}__";
            agent.WithEnvironment(prefix + "ServiceId", service.ServiceId)
                .WithEnvironment(prefix + "Kind", service.Kind)
                .WithEnvironment(prefix + "Discover", service.Discover)
                .WithEnvironment(prefix + "Endpoint", engine.GetEndpoint("http"));
            for (var j = 0; j < service.Assets.Count; j++)
            {
                agent.WithEnvironment($"{prefix}Assets__{j}__AssetId", service.Assets[j])
                    .WithEnvironment($"{prefix}Assets__{j}__Loaded", "true")
                    .WithEnvironment($"{prefix}Assets__{j}__ContextSize", Invariant(host.Engine.ContextSize));
            }
        }

        return agent;
    }

    /// <summary>
    /// When <c>Parameters:engine-url</c> points at a real engine (Ollama, llama.cpp, vLLM), a node agent
    /// serves it beside the simulators, discovering its models with <c>Parameters:engine-discover</c>.
    /// </summary>
    public static void AddExternalEngineHost(
        this IDistributedApplicationBuilder builder,
        IResourceBuilder<ProjectResource> control,
        IResourceBuilder<ParameterResource> nodeKey,
        AppHostSettings settings)
    {
        if (settings.EngineUrl is null)
        {
            return;
        }

        builder.AddNodeAgent("node-local", "local", "Local engine", control, nodeKey, settings)
            .WithEnvironment("GenieHive__Node__Services__0__ServiceId", "local-chat")
            .WithEnvironment("GenieHive__Node__Services__0__Kind", "chat")
            .WithEnvironment("GenieHive__Node__Services__0__Endpoint", settings.EngineUrl)
            .WithEnvironment("GenieHive__Node__Services__0__Discover", settings.EngineDiscover);
    }

    private static IResourceBuilder<ProjectResource> AddNodeAgent(
        this IDistributedApplicationBuilder builder,
        string resourceName,
        string hostId,
        string displayName,
        IResourceBuilder<ProjectResource> control,
        IResourceBuilder<ParameterResource> nodeKey,
        AppHostSettings settings) =>
        builder.AddProject<Projects.GenieHive_NodeAgent>(resourceName, launchProfileName: null)
            .WithHttpEndpoint(name: "http")
            .WithReference(control)
            .WaitFor(control)
            .WithEnvironment("GenieHive__Node__HostId", hostId)
            .WithEnvironment("GenieHive__Node__DisplayName", displayName)
            .WithEnvironment("GenieHive__Node__Address", "127.0.0.1")
            .WithEnvironment("GenieHive__Node__NodeApiKey", nodeKey)
            .WithEnvironment("GenieHive__Node__HeartbeatIntervalSeconds", Invariant(settings.HeartbeatIntervalSeconds))
            .WithHttpHealthCheck("/health");

    private static void SetList(IResourceBuilder<ProjectResource> resource, string prefix, IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            resource.WithEnvironment($"{prefix}__{i}", values[i]);
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
