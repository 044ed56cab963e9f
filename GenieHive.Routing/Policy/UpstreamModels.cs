using GenieHive.Contracts.Nodes;

namespace GenieHive.Routing.Policy;

/// <summary>Which of a service's assets a request uses, and the model id the upstream receives (reference section 4.8).</summary>
public static class UpstreamModels
{
    /// <summary>The asset whose id is the requested name; else the first loaded asset; else the first asset; else null.</summary>
    public static ServiceAsset? SelectAsset(IReadOnlyList<ServiceAsset> assets, string requested)
    {
        for (var i = 0; i < assets.Count; i++)
        {
            if (string.Equals(assets[i].AssetId, requested, StringComparison.Ordinal))
            {
                return assets[i];
            }
        }

        for (var i = 0; i < assets.Count; i++)
        {
            if (assets[i].Loaded)
            {
                return assets[i];
            }
        }

        return assets.Count > 0 ? assets[0] : null;
    }

    /// <summary>
    /// The requested name if it is one of the assets, else the first loaded asset id, else the first asset id,
    /// else the requested name itself (a service-id route to a service without assets forwards the name).
    /// </summary>
    public static string Resolve(IReadOnlyList<ServiceAsset> assets, string requested) =>
        SelectAsset(assets, requested)?.AssetId ?? requested;
}
