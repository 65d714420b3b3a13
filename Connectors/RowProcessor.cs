using System.Runtime.CompilerServices;
using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;

namespace Portal.Connectors;

internal enum RowOutcome
{
    Refused,
    Suppressed,
    Deliver,
}

/// <summary>
/// One streamed row: consent, quasi-identifier transforms, the class check, then the other transforms.
/// Synchronous and jitted fully optimized on first use (AggressiveOptimization): the stream calls it once per
/// row from a single long-running async loop, which tiered compilation would otherwise run in unoptimized and
/// instrumented code for much of a short export.
/// </summary>
internal sealed class RowProcessor
{
    private readonly ExportPlan _plan;
    private readonly string _source;
    private readonly int[] _conversions;
    private readonly int[] _others;
    private readonly Cell[] _tuple;

    public RowProcessor(ExportPlan plan, string source)
    {
        _plan = plan;
        _source = source;
        _conversions = ConversionIndexes(plan);
        _others = Enumerable.Range(0, plan.Output.Count).Where(c => !plan.QuasiIdentifiers.Contains(c)).ToArray();
        _tuple = new Cell[plan.QuasiIdentifiers.Length];
    }

    public static int[] ConversionIndexes(ExportPlan plan) =>
        Enumerable.Range(0, plan.Conversions.Length).Where(i => plan.Conversions[i] is not null).ToArray();

    public ConnectorException SourceChanged(string where) =>
        new("source.changed", $"source {_source} changed between counting and streaming ({where} belongs to no counted class); the export was stopped");

    /// <summary>Fills <paramref name="output"/> for a delivered row; refused and suppressed rows stop early.</summary>
    /// <param name="counted">Whether <paramref name="classes"/> holds sizes counted before the stream (else the stream makes the classes).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RowOutcome Process(RowReader reader, Cell[] row, Cell[] output, IClassSizes classes, bool counted)
    {
        var plan = _plan;
        if (!PrepareRow(plan, reader, row, _conversions))
        {
            return RowOutcome.Refused;
        }
        var transforms = plan.Transforms;
        var sources = plan.OutputSource;
        var quasi = plan.QuasiIdentifiers;
        var tuple = _tuple;
        var subject = plan.Subject >= 0 ? row[plan.Subject] : Cell.Null;
        var column = 0;
        try
        {
            // Quasi-identifiers first: a row of a class below k is dropped before the costlier transforms
            // (a pseudonym is an HMAC) run for nothing.
            for (var i = 0; i < tuple.Length; i++)
            {
                column = quasi[i];
                output[column] = tuple[i] = transforms[column].Apply(row[sources[column]], subject);
            }
            var size = classes.Stream(tuple);
            if (counted)
            {
                if (size < 0)
                {
                    throw SourceChanged(reader.Position);
                }
                if (size < plan.K)
                {
                    return RowOutcome.Suppressed;
                }
            }
            foreach (var c in _others)
            {
                column = c;
                output[c] = transforms[c].Apply(row[sources[c]], subject);
            }
        }
        catch (CellConversionException e)
        {
            throw new ConnectorException("source.cell.unconvertible", $"{reader.Position}, column '{plan.Output[column].Name}': {e.Message}", e);
        }
        return RowOutcome.Deliver;
    }

    /// <summary>The indexes of <see cref="Classify"/>'s pending cells that a pending row must keep.</summary>
    public int[] PendingCells => _plan.Subject >= 0 ? [.. _others, _plan.Output.Count] : _others;

    /// <summary>
    /// A row whose class size is not known yet: consent, the quasi-identifiers' ordinals in <paramref name="columns"/>,
    /// and into <paramref name="pending"/> (one cell per output column, then the subject) the input values of the other
    /// columns, transformed by <see cref="Complete"/> once the row is known to be delivered. False when refused.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Classify(RowReader reader, Cell[] row, Cell[] pending, ColumnOrdinals[] columns, Span<int> ordinals)
    {
        var plan = _plan;
        if (!PrepareRow(plan, reader, row, _conversions))
        {
            return false;
        }
        var transforms = plan.Transforms;
        var sources = plan.OutputSource;
        var quasi = plan.QuasiIdentifiers;
        var subject = plan.Subject >= 0 ? row[plan.Subject] : Cell.Null;
        var column = 0;
        try
        {
            for (var i = 0; i < quasi.Length; i++)
            {
                column = quasi[i];
                ordinals[i] = columns[i].Find(transforms[column].Apply(row[sources[column]], subject));
            }
        }
        catch (CellConversionException e)
        {
            throw new ConnectorException("source.cell.unconvertible", $"{reader.Position}, column '{plan.Output[column].Name}': {e.Message}", e);
        }
        foreach (var c in _others)
        {
            pending[c] = row[sources[c]];
        }
        pending[plan.Output.Count] = subject;
        return true;
    }

    /// <summary>Fills <paramref name="output"/> for a delivered pending row (see <see cref="Classify"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Complete(Cell[] pending, ColumnOrdinals[] columns, ReadOnlySpan<int> ordinals, Cell[] output, RowReader reader, long rowNumber)
    {
        var plan = _plan;
        var quasi = plan.QuasiIdentifiers;
        for (var i = 0; i < quasi.Length; i++)
        {
            output[quasi[i]] = columns[i].Value(ordinals[i]);
        }
        var transforms = plan.Transforms;
        var subject = plan.Subject >= 0 ? pending[plan.Output.Count] : Cell.Null;
        var column = 0;
        try
        {
            foreach (var c in _others)
            {
                column = c;
                output[c] = transforms[c].Apply(pending[c], subject);
            }
        }
        catch (CellConversionException e)
        {
            throw new ConnectorException("source.cell.unconvertible", $"{reader.PositionOf(rowNumber)}, column '{plan.Output[column].Name}': {e.Message}", e);
        }
    }

    /// <summary>Converts text to declared types and applies consent; false when the subject did not consent.</summary>
    public static bool PrepareRow(ExportPlan plan, RowReader reader, Cell[] row, int[] conversions)
    {
        foreach (var i in conversions)
        {
            try
            {
                row[i] = CellConvert.To(plan.Conversions[i]!.Value, row[i]);
            }
            catch (CellConversionException e)
            {
                throw new ConnectorException("source.cell.unconvertible", $"{reader.Position}, column '{plan.Read.Columns[i].Name}': {e.Message}", e);
            }
        }
        foreach (var c in plan.Consent)
        {
            if (row[c].Kind != CellKind.Boolean || !row[c].Boolean)
            {
                return false;
            }
        }
        return true;
    }
}
