using GenieHive.NodeAgent;
using GenieHive.NodeAgent.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNodeAgentServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapDefaultEndpoints();
app.MapNodeApi();

app.Run();
