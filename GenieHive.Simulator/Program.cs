using GenieHive.Simulator;
using GenieHive.Simulator.Chat;
using GenieHive.Simulator.Completions;
using GenieHive.Simulator.Embeddings;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Faults;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Rerank;
using GenieHive.Simulator.Transcriptions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSimulatorServices();

var app = builder.Build();

// Test-only fault injection for /health, /metrics and friends (the model endpoints have their own gate).
app.UseSimulatedFaults();

// /health answers {"status":"ok"}, llama-server's shape.
app.MapDefaultEndpoints();
app.MapModelsApi();
app.MapOllamaApi();
app.MapChatApi();
app.MapCompletionsApi();
app.MapEmbeddingsApi();
app.MapRerankApi();
app.MapTranscriptionsApi();
app.MapEngineApi();
app.MapFaultsApi();

app.Run();
