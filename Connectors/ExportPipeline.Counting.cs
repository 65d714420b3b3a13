using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;
using Portal.Connectors.Writers;

namespace Portal.Connectors;

/// <summary>
/// How an export learns its class sizes before the first row is written: in the source (GROUP BY or a first pass over
/// the quasi-identifier columns, in the same snapshot) or, for files, in a first pass over the rows.
/// </summary>
public static partial class ExportPipeline
{
    private sealed partial class ExportRun
    {
        private async Task<bool> CountInSourceAsync(SourceSession session, ExportPlan plan, CountedGroups groups, bool countRefused, CancellationToken cancellationToken)
        {
            var tuple = new Cell[plan.QuasiIdentifiers.Length];
            return await session.CountGroupsAsync(plan.Read, plan.Grouping, (reduced, consented, refused) =>
            {
                _read += consented + refused;
                _refused += refused;
                if (consented == 0)
                {
                    return;
                }
                for (var i = 0; i < tuple.Length; i++)
                {
                    var o = plan.QuasiIdentifiers[i];
                    try
                    {
                        var value = plan.Conversions[plan.OutputSource[o]] is { } type ? CellConvert.To(type, reduced[i]) : reduced[i];
                        tuple[i] = plan.Transforms[o].Apply(value, Cell.Null);
                    }
                    catch (CellConversionException e)
                    {
                        throw new ConnectorException("source.cell.unconvertible", $"{source.DisplayName}, column '{plan.Output[o].Name}': {e.Message}", e);
                    }
                }
                groups.Add(tuple, consented);
            }, countRefused, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>On the session beside the stream: refused rows and class sizes, counted in the source or by a pass over the quasi-identifiers.</summary>
        private async Task CountBesideStreamAsync(SourceSession session, ExportPlan plan, CountedGroups groups, CancellationToken cancellationToken)
        {
            if (!await CountInSourceAsync(session, plan, groups, countRefused: true, cancellationToken).ConfigureAwait(false))
            {
                await CountInQuasiIdentifierPassAsync(session, plan, groups, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// A first pass that reads the quasi-identifier columns of the consenting rows only (the source filters consent)
        /// and tallies their classes (<see cref="ClassTally"/>), numbering values in <paramref name="groups"/>' columns.
        /// </summary>
        private async Task CountInQuasiIdentifierPassAsync(SourceSession session, ExportPlan plan, CountedGroups groups, CancellationToken cancellationToken)
        {
            if (!source.FiltersConsent)
            {
                throw new InvalidOperationException("a pass over the quasi-identifiers alone needs a source that filters consent");
            }
            var refused = await session.CountRefusedAsync(plan.Read, cancellationToken).ConfigureAwait(false) ?? 0;
            var narrow = plan.QuasiIdentifiersOnly();
            var processor = new RowProcessor(narrow, source.DisplayName);
            var tally = new ClassTally(narrow.QuasiIdentifiers.Length);
            var row = new Cell[narrow.Read.Columns.Count];
            var unused = new Cell[narrow.Output.Count + 1];
            var ordinals = new int[narrow.QuasiIdentifiers.Length];
            long rows = 0;
            await using (var reader = await session.OpenReaderAsync(narrow.Read, cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(row, cancellationToken).ConfigureAwait(false))
                {
                    processor.Classify(reader, row, unused, groups.Columns, ordinals);
                    tally.Add(ordinals);
                    rows++;
                }
            }
            tally.CopyTo(groups);
            _read += rows + refused;
            _refused += refused;
        }

        private static async Task CountInFirstPassAsync(SourceSession session, ExportPlan plan, EquivalenceClasses classes, CancellationToken cancellationToken)
        {
            await using var reader = await session.OpenReaderAsync(plan.Read, cancellationToken).ConfigureAwait(false);
            var row = new Cell[plan.Read.Columns.Count];
            var tuple = new Cell[plan.QuasiIdentifiers.Length];
            var conversions = RowProcessor.ConversionIndexes(plan);
            while (await reader.ReadAsync(row, cancellationToken).ConfigureAwait(false))
            {
                if (!RowProcessor.PrepareRow(plan, reader, row, conversions))
                {
                    continue;
                }
                var column = -1;
                try
                {
                    for (var i = 0; i < tuple.Length; i++)
                    {
                        column = plan.QuasiIdentifiers[i];
                        tuple[i] = plan.Transforms[column].Apply(row[plan.OutputSource[column]], Cell.Null);
                    }
                }
                catch (CellConversionException e)
                {
                    throw new ConnectorException("source.cell.unconvertible", $"{reader.Position}, column '{plan.Output[column].Name}': {e.Message}", e);
                }
                classes.AddCounted(tuple, 1);
            }
        }
    }
}
