using GenieHive.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var settings = AppHostSettings.From(builder);
var clientKey = builder.AddParameter("client-api-key", settings.ClientApiKey, secret: true);
var nodeKey = builder.AddParameter("node-api-key", settings.NodeApiKey, secret: true);

// Embedded SQLite by default; GenieHive:AppHost:ScaleOut=true runs the scale-out shape on one machine instead.
IResourceBuilder<IResourceWithConnectionString> database = settings.ScaleOut
    ? builder.AddPostgresServer("postgres", settings.PostgresDataPath, settings.PostgresPort)
    : builder.AddSqliteDatabase("geniehive", settings.DatabasePath);

var control = builder.AddControl("control", database, clientKey, nodeKey, settings);
var facade = builder.AddFacade("facade", settings.FacadePort, control, clientKey);
builder.AddBenchmarker(control, facade, clientKey);
builder.AddSimulatedHost(SimulatedHosts.Alpha, control, nodeKey, settings);
builder.AddSimulatedHost(SimulatedHosts.Beta, control, nodeKey, settings);
builder.AddExternalEngineHost(control, nodeKey, settings);

// Last: the replica is every facade's and node agent's second Control URL.
if (settings.ScaleOut)
{
    builder.AddScaleOutReplicas(database, control, clientKey, nodeKey, settings);
}

builder.Build().Run();
