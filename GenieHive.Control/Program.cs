using GenieHive.Control.Benchmarks;
using GenieHive.Control.Benchmarks.Scheduling;
using GenieHive.Control.Hosting;
using GenieHive.Control.Keys;
using GenieHive.Control.Nodes;
using GenieHive.Control.Observations;
using GenieHive.Control.Registry;
using GenieHive.Control.Roles;
using GenieHive.Control.Routing;

// GenieHive Control: the registry, the role catalog, route explanations, the routing table the facade follows,
// and the benchmark runs the benchmarker works through.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddControlServices();

var app = builder.Build();

app.UseControlErrorHandling();
app.MapDefaultEndpoints();
app.MapNodesApi();
app.MapRegistryApi();
app.MapRolesApi();
app.MapRoutesApi();
app.MapRoutingTableApi();
app.MapObservationsApi();
app.MapBenchmarkSamplesApi();
app.MapBenchmarkRunsApi();
app.MapBenchmarkWorkApi();
app.MapBenchmarkScheduleApi();
app.MapKeysApi();
app.MapAuditApi();

app.Run();
