using System.Buffers;
using System.Buffers.Binary;
using GenieHive.Simulator.Engine;
using GenieHive.Simulator.Faults;
using GenieHive.Simulator.Models;
using GenieHive.Simulator.Wire;
using Microsoft.Extensions.Options;

namespace GenieHive.Simulator.Embeddings;

/// <summary>
/// Answers <c>/v1/embeddings</c> like llama-server: the request takes a slot (embeddings are computed in slots
/// there too), spends the configured latency, and answers unit vectors in OpenAI's list shape.
/// </summary>
public sealed partial class EmbeddingsService(
    IOptions<SimulatorOptions> options,
    ModelCatalog catalog,
    SlotPool slots,
    GenerationPacer pacer,
    EngineCounters counters,
    SimulatorStats stats,
    FaultGate faults,
    ILogger<EmbeddingsService> logger)
{
    private readonly int _width = options.Value.EmbeddingDimensions;

    public async Task HandleAsync(HttpContext context)
    {
        stats.Received(SimEndpoint.Embeddings);
        var cancellationToken = context.RequestAborted;
        EmbeddingRequest? request = null;
        try
        {
            var bodyReader = context.Request.BodyReader;
            var body = await RequestBody.ReadAllAsync(bodyReader, cancellationToken).ConfigureAwait(false);
            var error = RequestBody.IsTooLarge(body)
                ? RequestBody.TooLarge
                : EmbeddingRequest.TryParse(body.Buffer, catalog, _width, out request);
            bodyReader.AdvanceTo(body.Buffer.End);
            if (error is not null || request is null)
            {
                stats.Rejected();
                await (error ?? RequestBody.TooLarge).WriteAsync(context).ConfigureAwait(false);
                return;
            }

            var fault = await faults.ApplyAsync(context, cancellationToken).ConfigureAwait(false);
            if (fault.Handled)
            {
                return;
            }

            var slot = await slots.AcquireAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var start = pacer.Now();
                slot.Describe(SlotWork.Embedding, request.PromptTokens, 0, false);
                await pacer.WaitLatencyAsync(start, cancellationToken).ConfigureAwait(false);
                counters.PromptProcessed(request.PromptTokens, 0, pacer.Since(start));
                if (fault.DropsConnection)
                {
                    context.Abort();
                    return;
                }

                var response = PooledJsonResponse.Rent();
                Write(response, request);
                await response.SendAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8").ConfigureAwait(false);
                stats.Completed();
            }
            finally
            {
                slots.Release(slot);
            }
        }
        catch (Exception exception) when (cancellationToken.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            stats.Cancelled();
            LogCancelled(logger);
        }
        finally
        {
            request?.Dispose();
        }
    }

    private static void Write(PooledJsonResponse response, EmbeddingRequest request)
    {
        var writer = response.Writer;
        var dimensions = request.Dimensions;
        var vector = ArrayPool<float>.Shared.Rent(dimensions);
        var bytes = request.Base64 ? ArrayPool<byte>.Shared.Rent(dimensions * sizeof(float)) : null;
        try
        {
            writer.WriteStartObject();
            writer.WriteString("object", "list");
            writer.WriteStartArray("data");
            for (var i = 0; i < request.Count; i++)
            {
                BagOfWordsEmbedder.Normalize(request.Raw(i), dimensions, vector);
                writer.WriteStartObject();
                writer.WriteString("object", "embedding");
                writer.WriteNumber("index", i);
                if (bytes is not null)
                {
                    for (var d = 0; d < dimensions; d++)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(d * sizeof(float)), vector[d]);
                    }

                    writer.WriteBase64String("embedding", bytes.AsSpan(0, dimensions * sizeof(float)));
                }
                else
                {
                    writer.WriteStartArray("embedding");
                    for (var d = 0; d < dimensions; d++)
                    {
                        writer.WriteNumberValue(vector[d]);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("model", request.Model.JsonId);
            writer.WriteStartObject("usage");
            writer.WriteNumber("prompt_tokens", request.PromptTokens);
            writer.WriteNumber("total_tokens", request.PromptTokens);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(vector);
            if (bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Client cancelled an embeddings request")]
    private static partial void LogCancelled(ILogger logger);
}
