namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// The generalization lattice: a node is one level per quasi-identifier, numbered in mixed radix (the first
/// quasi-identifier varies slowest). A successor raises one level by one, so its number is always larger:
/// the searches break ties between equally good nodes by the smaller number, and no successor can win such a tie.
/// </summary>
public sealed class Lattice
{
    private readonly int[] _heights;
    private readonly int[] _weights;

    public Lattice(IReadOnlyList<int> heights)
    {
        ArgumentNullException.ThrowIfNull(heights);
        _heights = [.. heights];
        _weights = new int[_heights.Length];
        long size = 1;
        for (var q = _heights.Length - 1; q >= 0; q--)
        {
            if (_heights[q] < 1)
            {
                throw new GeneralizationException("generalization.hierarchy.no_level", $"quasi-identifier {q} has no level");
            }
            _weights[q] = (int)size;
            size *= _heights[q];
            if (size > 1 << 24)
            {
                throw new GeneralizationException("generalization.lattice.too_large", $"the lattice has more than {1 << 24} nodes; use fewer quasi-identifiers or shorter hierarchies");
            }
        }
        Size = (int)size;
        Height = new int[Size];
        for (var node = 0; node < Size; node++)
        {
            var sum = 0;
            for (var q = 0; q < _heights.Length; q++)
            {
                sum += LevelOf(node, q);
            }
            Height[node] = sum;
        }
    }

    public int Size { get; }

    public int Dimensions => _heights.Length;

    /// <summary>[node] → sum of its levels (0 at the bottom).</summary>
    public int[] Height { get; }

    public int LevelOf(int node, int q) => node / _weights[q] % _heights[q];

    public int[] Levels(int node)
    {
        var levels = new int[_heights.Length];
        for (var q = 0; q < levels.Length; q++)
        {
            levels[q] = LevelOf(node, q);
        }
        return levels;
    }

    public int NodeOf(IReadOnlyList<int> levels)
    {
        var node = 0;
        for (var q = 0; q < _heights.Length; q++)
        {
            node += levels[q] * _weights[q];
        }
        return node;
    }

    /// <summary>The successor raising quasi-identifier <paramref name="q"/>, or -1 at its top level.</summary>
    public int Up(int node, int q) => LevelOf(node, q) + 1 < _heights[q] ? node + _weights[q] : -1;

    /// <summary>The predecessor lowering quasi-identifier <paramref name="q"/>, or -1 at level 0.</summary>
    public int Down(int node, int q) => LevelOf(node, q) > 0 ? node - _weights[q] : -1;

    /// <summary>Whether every level of <paramref name="finer"/> is at most that of <paramref name="coarser"/>.</summary>
    public bool IsAtOrBelow(int finer, int coarser)
    {
        for (var q = 0; q < _heights.Length; q++)
        {
            if (LevelOf(finer, q) > LevelOf(coarser, q))
            {
                return false;
            }
        }
        return true;
    }
}
