using GenieHive.Control.Benchmarks;
using GenieHive.Control.Cluster;
using GenieHive.Control.Hosting;
using GenieHive.Control.Nodes;

// GenieHive Control: the registry, the role catalog, route explanations and the routing table the facade follows.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddControlServices();

var app = builder.Build();

app.UseControlErrorHandling();
app.MapDefaultEndpoints();
app.MapNodesApi();
app.MapClusterApi();
app.MapBenchmarkRunsApi();

app.Run();
