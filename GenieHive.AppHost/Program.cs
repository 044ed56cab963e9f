using GenieHive.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var settings = AppHostSettings.From(builder);
var clientKey = builder.AddParameter("client-api-key", settings.ClientApiKey, secret: true);
var nodeKey = builder.AddParameter("node-api-key", settings.NodeApiKey, secret: true);

var database = builder.AddSqliteDatabase("geniehive", settings.DatabasePath);

var control = builder.AddControl(database, clientKey, nodeKey, settings);
var facade = builder.AddFacade(control, clientKey, settings);
builder.AddBenchmarker(control, facade, clientKey);

builder.AddSimulatedHost(SimulatedHosts.Alpha, control, nodeKey, settings);
builder.AddSimulatedHost(SimulatedHosts.Beta, control, nodeKey, settings);
builder.AddExternalEngineHost(control, nodeKey, settings);

builder.Build().Run();
