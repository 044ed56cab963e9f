using GenieHive.Facade;
using GenieHive.Facade.Cluster;
using GenieHive.Facade.Models;
using GenieHive.Facade.Proxy;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFacadeServices();

var app = builder.Build();

app.UseFacadeEdge();
app.MapDefaultEndpoints();
app.MapModelsApi();
app.MapOpenAiApi();
app.MapClusterApi();

app.Run();
