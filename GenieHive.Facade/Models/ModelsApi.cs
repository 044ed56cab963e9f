using GenieHive.Contracts.Auth;
using GenieHive.Facade.Auth;
using GenieHive.Facade.Errors;
using GenieHive.Facade.Json;
using GenieHive.Facade.Routing;
using GenieHive.Routing.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GenieHive.Facade.Models;

/// <summary><c>GET /v1/models</c> and <c>GET /v1/models/{id}</c>, from the local routing snapshot.</summary>
public static class ModelsApi
{
    /// <summary>Maps the model listing (client key required). Every role is listed, also one with no healthy target.</summary>
    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v1/models").RequireClientKey(KeyScope.Inference);
        group.MapGet("/", ListModels);
        group.MapGet("/{**id}", GetModel);
        return group;
    }

    private static Results<JsonHttpResult<ModelList>, OpenAiErrorResult> ListModels(HttpContext context, RoutingState routing)
    {
        // A key with a model allowlist sees only the models it may use.
        var allowed = ClientKeyGate.IdentityOf(context).Models;
        if (routing.Current is not { } snapshot)
        {
            return OpenAiErrors.RoutingTableUnavailable();
        }

        var created = (long)snapshot.Table.GeneratedAt;
        var entries = new List<ModelEntry>(snapshot.Models.Length);
        foreach (var listing in snapshot.Models)
        {
            if (allowed.Allows(listing.Id))
            {
                entries.Add(ToEntry(listing, created));
            }
        }

        return TypedResults.Json(new ModelList(entries), FacadeJsonContext.Default.ModelList);
    }

    private static Results<JsonHttpResult<ModelEntry>, OpenAiErrorResult> GetModel(string id, HttpContext context, RoutingState routing)
    {
        if (routing.Current is not { } snapshot)
        {
            return OpenAiErrors.RoutingTableUnavailable();
        }

        // SDKs escape the id as one path segment (OpenAI's .NET SDK sends "org%2Fmodel" for "org/model") and the
        // server decodes every escape of a path but that of a slash: undo that one, so the id is what the client meant.
        id = id.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

        // A model outside the key's allowlist is as unknown to it as one that does not exist.
        return snapshot.FindModel(id) is { } listing && ClientKeyGate.IdentityOf(context).Models.Allows(listing.Id)
            ? TypedResults.Json(ToEntry(listing, (long)snapshot.Table.GeneratedAt), FacadeJsonContext.Default.ModelEntry)
            : OpenAiErrors.ModelNotFound(id);
    }

    private static ModelEntry ToEntry(ModelListing listing, long created) => new()
    {
        Id = listing.Id,
        Created = created,
        OwnedBy = listing.OwnedBy,
        Geniehive = new ModelDetails
        {
            RouteType = listing.RouteType,
            Kind = listing.Kind,
            Health = listing.Health,
            Loaded = listing.Loaded,
            BestP50LatencyMs = listing.BestP50LatencyMs,
            EligibleTargetCount = listing.EligibleTargetCount,
            FallbackVia = listing.FallbackVia,
            DisplayName = listing.DisplayName,
            Description = listing.Description,
            Modality = listing.Modality,
        },
    };
}
