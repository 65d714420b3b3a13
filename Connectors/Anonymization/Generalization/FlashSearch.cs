namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>
/// The optimal node of the generalization lattice, Flash-style (Kohlmayer et al.): nodes are visited bottom-up; from
/// each node not yet decided a path climbs through undecided successors and is binary-searched for its lowest node
/// that meets the models. Each check tags ahead: a passing node makes all its successors pass, a failing node makes all
/// its predecessors fail (valid only while the models are monotone, see <see cref="SearchContext.ModelsMonotone"/>).
/// A node's classes are rolled up from the smallest table already computed below it, never from the records.
/// <para>
/// The metric is monotone only without suppression. So the value without suppression is used as a lower bound:
/// a node whose bound exceeds the best value so far cannot win, nor can its successors (bounds only grow upwards),
/// and a node that passes with nothing suppressed has its bound as value, so no successor can beat it. With a
/// suppression limit, successors tagged "pass" without a check are then evaluated in order of their bound until the
/// bound exceeds the best value; with models that are not monotone under suppression, every node is, in that order.
/// Ties go to the smaller node number, as in <see cref="ExhaustiveSearch"/>, so both return the same node.
/// </para>
/// </summary>
public static class FlashSearch
{
    public static GeneralizationResult Run(GeneralizationInput input, GeneralizationSettings settings)
    {
        var run = new FlashRun(new SearchContext(input, settings));
        return run.Search();
    }

    private sealed class FlashRun(SearchContext context)
    {
        private const sbyte Pass = 1;
        private const sbyte Fail = -1;

        private readonly Lattice _lattice = context.Lattice;
        private readonly double[] _bound = context.LowerBound;
        private readonly sbyte[] _tag = new sbyte[context.Lattice.Size];
        private readonly bool[] _evaluated = new bool[context.Lattice.Size];
        private readonly bool[] _beaten = new bool[context.Lattice.Size];
        private readonly List<ClassTable> _cache = [context.Input.Bottom];
        private readonly Stack<int> _pending = new();
        private readonly List<int> _path = [];
        private long _cachedClasses = context.Input.Bottom.Count;
        private int _bestNode = -1;
        private double _bestValue = double.PositiveInfinity;
        private int _checked;

        public GeneralizationResult Search()
        {
            if (context.ModelsMonotone)
            {
                TraverseBottomUp();
                if (context.SuppressionLimitRows > 0)
                {
                    EvaluateInBoundOrder(n => _tag[n] == Pass && !_evaluated[n]);
                }
            }
            else
            {
                EvaluateInBoundOrder(_ => true);
            }
            return context.Describe(_bestNode, _checked);
        }

        private void TraverseBottomUp()
        {
            foreach (var node in NodesByHeight())
            {
                if (_tag[node] != 0 || CannotWin(node))
                {
                    continue;
                }
                BuildPath(node);
                int low = 0, high = _path.Count - 1;
                while (low <= high)
                {
                    var middle = (low + high) / 2;
                    var candidate = _path[middle];
                    var passes = _tag[candidate] == 0 ? Check(candidate) : _tag[candidate] == Pass;
                    if (passes)
                    {
                        high = middle - 1;
                    }
                    else
                    {
                        low = middle + 1;
                    }
                }
            }
        }

        /// <summary>From <paramref name="start"/> upwards through undecided successors, each time the one with the smallest bound.</summary>
        private void BuildPath(int start)
        {
            _path.Clear();
            for (var node = start; node >= 0;)
            {
                _path.Add(node);
                var next = -1;
                for (var q = 0; q < _lattice.Dimensions; q++)
                {
                    var up = _lattice.Up(node, q);
                    if (up >= 0 && _tag[up] == 0 && (next < 0 || _bound[up] < _bound[next]))
                    {
                        next = up;
                    }
                }
                node = next;
            }
        }

        private void EvaluateInBoundOrder(Func<int, bool> wanted)
        {
            var candidates = new List<int>();
            for (var node = 0; node < _lattice.Size; node++)
            {
                if (wanted(node))
                {
                    candidates.Add(node);
                }
            }
            candidates.Sort((a, b) => _bound[a] != _bound[b] ? _bound[a].CompareTo(_bound[b]) : a.CompareTo(b));
            foreach (var node in candidates)
            {
                if (CannotWin(node))
                {
                    break;
                }
                if (!_beaten[node] && !_evaluated[node])
                {
                    Check(node);
                }
            }
        }

        /// <summary>Whether even with nothing suppressed the node would be worse than the best so far (with a margin for rounding).</summary>
        private bool CannotWin(int node) =>
            _bestNode >= 0 && _bound[node] > _bestValue + 1e-9 * Math.Max(1, Math.Abs(_bestValue));

        private bool Check(int node)
        {
            var table = context.RollUp(Finest(node), node);
            Remember(table);
            _evaluated[node] = true;
            _checked++;
            var outcome = context.Evaluate(table);
            if (outcome.Anonymous)
            {
                if (SearchContext.Better(outcome.Value, node, _bestValue, _bestNode))
                {
                    (_bestValue, _bestNode) = (outcome.Value, node);
                }
                Spread(node, up: true, tag: context.ModelsMonotone ? Pass : (sbyte)0, beaten: outcome.RowsSuppressed == 0);
            }
            else if (context.ModelsMonotone)
            {
                Spread(node, up: false, tag: Fail, beaten: false);
            }
            return outcome.Anonymous;
        }

        /// <summary>Tags every successor (or predecessor) with <paramref name="tag"/>, and successors as beaten by this node.</summary>
        private void Spread(int node, bool up, sbyte tag, bool beaten)
        {
            if (tag != 0)
            {
                _tag[node] = tag;
            }
            _pending.Push(node);
            while (_pending.Count > 0)
            {
                var from = _pending.Pop();
                for (var q = 0; q < _lattice.Dimensions; q++)
                {
                    var next = up ? _lattice.Up(from, q) : _lattice.Down(from, q);
                    if (next < 0)
                    {
                        continue;
                    }
                    var changed = false;
                    if (tag != 0 && _tag[next] != tag)
                    {
                        _tag[next] = tag;
                        changed = true;
                    }
                    if (beaten && !_beaten[next])
                    {
                        _beaten[next] = true;
                        changed = true;
                    }
                    if (changed)
                    {
                        _pending.Push(next);
                    }
                }
            }
        }

        /// <summary>The smallest table computed so far at or below <paramref name="node"/>: the cheapest roll-up source.</summary>
        private ClassTable Finest(int node)
        {
            var best = _cache[0];
            foreach (var table in _cache)
            {
                if (table.Count < best.Count && _lattice.IsAtOrBelow(table.Node, node))
                {
                    best = table;
                }
            }
            return best;
        }

        private void Remember(ClassTable table)
        {
            // Tables only get smaller upwards; past a budget of a few bottoms' worth, start over from the bottom alone.
            if (_cachedClasses + table.Count > 8L * _cache[0].Count + (1 << 20))
            {
                _cache.RemoveRange(1, _cache.Count - 1);
                _cachedClasses = _cache[0].Count;
            }
            _cache.Add(table);
            _cachedClasses += table.Count;
        }

        private int[] NodesByHeight()
        {
            var order = new int[_lattice.Size];
            for (var i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }
            var heights = _lattice.Height;
            Array.Sort(order, (a, b) => heights[a] != heights[b] ? heights[a].CompareTo(heights[b]) : a.CompareTo(b));
            return order;
        }
    }
}
