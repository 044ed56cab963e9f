using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Yarp.ReverseProxy.Forwarder;

// A bare YARP forwarder: every request to the one upstream (--Forwarder:Upstream=http://127.0.0.1:PORT), as YARP's
// direct-forwarding sample configures it. Nothing else runs on the request path.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddHttpForwarder();
builder.Services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);

var upstream = builder.Configuration["Forwarder:Upstream"]
    ?? throw new InvalidOperationException("Forwarder:Upstream (the upstream's base URL) is required.");

var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    ConnectTimeout = TimeSpan.FromSeconds(15),
});

var app = builder.Build();
app.MapForwarder("/{**catch-all}", upstream, new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) }, HttpTransformer.Empty, invoker);
app.Run();
