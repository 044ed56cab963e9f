namespace GenieHive.Simulator.Transcriptions;

/// <summary><c>POST /v1/audio/transcriptions</c> (multipart/form-data).</summary>
public static class TranscriptionsApi
{
    /// <summary>Maps the transcription endpoint.</summary>
    public static IEndpointConventionBuilder MapTranscriptionsApi(this IEndpointRouteBuilder endpoints)
    {
        var transcriptions = endpoints.ServiceProvider.GetRequiredService<TranscriptionsService>();
        return endpoints.MapPost("/v1/audio/transcriptions", context => transcriptions.HandleAsync(context))
            .WithName("Transcriptions");
    }
}
