namespace Portal.Tests.Architecture;

/// <summary>
/// Feature folders may lean on the kernel, the data model and each other one way, never in a circle: a newcomer can
/// then read a feature knowing what it depends on, and change it without dragging others along.
/// </summary>
public sealed class FeatureCycleTests
{
    [Fact]
    public void No_feature_folders_import_each_other_directly_or_round_a_circle()
    {
        var graph = Graph();
        var circles = Circles(graph);
        Assert.True(circles.Count == 0, "feature folders that import each other: " + string.Join("; ", circles.Select(c => string.Join(" -> ", c))));
    }

    [Fact]
    public void The_cycle_check_finds_a_circle_when_there_is_one()
    {
        // The detector itself, on a small made-up graph: A -> B -> C -> A and D -> A.
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };
        var circle = Assert.Single(Circles(graph));
        Assert.Equal(["A", "B", "C", "A"], circle);
        Assert.Contains("Access", SourceTree.FeaturesReferencedBy("using Portal.Features.Access.Requests;"));
        Assert.Contains("Datasets", SourceTree.FeaturesReferencedBy("var x = Features.Datasets.Catalogue.Load();"));
        Assert.Empty(SourceTree.FeaturesReferencedBy("var x = MyFeatures.Datasets;"));
    }

    private static Dictionary<string, HashSet<string>> Graph()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var file in SourceTree.Files("Portal", "Features"))
        {
            if (SourceTree.FeatureOf(file) is not { } feature)
            {
                continue;
            }
            if (!graph.TryGetValue(feature, out var uses))
            {
                uses = graph[feature] = [];
            }
            foreach (var other in SourceTree.FeaturesReferencedBy(File.ReadAllText(file)))
            {
                if (other != feature)
                {
                    uses.Add(other);
                }
            }
        }
        return graph;
    }

    /// <summary>One circle per strongly connected group of features (Tarjan), each written from its first member back to it.</summary>
    private static List<List<string>> Circles(Dictionary<string, HashSet<string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var circles = new List<List<string>>();
        var next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            foreach (var w in graph.GetValueOrDefault(v) ?? [])
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (stack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }
            if (low[v] != index[v])
            {
                return;
            }
            var group = new List<string>();
            string m;
            do
            {
                m = stack.Pop();
                group.Add(m);
            }
            while (m != v);
            if (group.Count > 1)
            {
                group.Sort(StringComparer.Ordinal);
                circles.Add([.. PathThrough(graph, group), group[0]]);
            }
        }

        foreach (var v in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
            {
                Visit(v);
            }
        }
        return circles;
    }

    /// <summary>A readable walk through a group: from its first member along imports until every member was named.</summary>
    private static List<string> PathThrough(Dictionary<string, HashSet<string>> graph, List<string> group)
    {
        var walk = new List<string> { group[0] };
        var current = group[0];
        while (walk.Count < group.Count)
        {
            var step = graph[current].Where(group.Contains).Where(n => !walk.Contains(n)).Order(StringComparer.Ordinal).FirstOrDefault();
            if (step is null)
            {
                break;
            }
            walk.Add(step);
            current = step;
        }
        return walk;
    }
}
