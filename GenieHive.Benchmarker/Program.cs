using GenieHive.Benchmarker.Hosting;

// GenieHive Benchmarker: runs Control's queued benchmark runs through the facade, and its schedule.
var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBenchmarkerServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
