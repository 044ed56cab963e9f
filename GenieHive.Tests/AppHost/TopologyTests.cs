using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace GenieHive.Tests.AppHost;

/// <summary>The AppHost's application model, without starting it: which service references and waits for which.</summary>
public sealed class TopologyTests
{
    [Fact]
    public async Task ServicesReferenceAndWaitForEachOtherWithoutACycle()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.GenieHive_AppHost>(["--Parameters:facade-port=0"], TestContext.Current.CancellationToken);
        await using var _ = builder;
        var references = Graph(builder.Resources, resource => resource.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(relationship => relationship.Type == "Reference" && relationship.Resource is ProjectResource).Select(relationship => relationship.Resource.Name));
        var waits = Graph(builder.Resources, resource => resource.Annotations.OfType<WaitAnnotation>().Select(wait => wait.Resource.Name));

        Assert.Equal(["control", "facade"], references["benchmarker"].Order(StringComparer.Ordinal));
        Assert.Equal(["control"], references["facade"]);
        Assert.DoesNotContain("facade", references["control"]);
        Assert.Contains("facade", waits["benchmarker"]);
        Assert.Null(Cycle(references));
        Assert.Null(Cycle(waits));
    }

    private static Dictionary<string, List<string>> Graph(IEnumerable<IResource> resources, Func<IResource, IEnumerable<string>> edges) =>
        resources.ToDictionary(resource => resource.Name, resource => edges(resource).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

    /// <summary>A path that comes back to where it started (<c>a → b → a</c>), or null when there is none.</summary>
    private static string? Cycle(Dictionary<string, List<string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in graph.Keys)
        {
            if (Visit(start, []) is { } cycle)
            {
                return cycle;
            }
        }

        return null;

        string? Visit(string node, List<string> path)
        {
            if (path.Contains(node))
            {
                return string.Join(" → ", path.Append(node));
            }

            if (!done.Add(node))
            {
                return null;
            }

            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
            {
                if (Visit(next, path) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }
    }
}
