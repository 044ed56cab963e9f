using System.ClientModel;
using System.ClientModel.Primitives;
using GenieHive.Tests.Testing;
using OpenAI;

namespace GenieHive.Tests.Compat;

/// <summary>The official OpenAI .NET client pointed at a <see cref="TestCluster"/>'s facade, as users point it.</summary>
public static class OpenAiClients
{
    /// <summary>An OpenAI client for the facade. Retries are off unless asked for, so error tests see one answer.</summary>
    public static OpenAIClient OpenAi(this TestCluster cluster, string? key = null, int maxRetries = 0, PipelinePolicy? capture = null)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(cluster.Facade.Url + "/v1"),
            NetworkTimeout = TimeSpan.FromSeconds(60),
            RetryPolicy = new ClientRetryPolicy(maxRetries),
        };
        if (capture is not null)
        {
            options.AddPolicy(capture, PipelinePosition.PerCall);
        }

        return new OpenAIClient(new ApiKeyCredential(key ?? TestCluster.ClientKey), options);
    }
}
