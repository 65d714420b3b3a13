using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;
using Portal.Connectors.Writers;

namespace Portal.Connectors;

/// <summary>
/// source → consent filter → transforms → k-anonymity suppression → writer → the caller's stream.
/// Class sizes are known before the first row is written: counted by the database (one GROUP BY in the
/// same snapshot) or, for files, by a first pass. Memory grows with the number of classes, never with rows.
/// </summary>
public static class ExportPipeline
{
    /// <summary>Runs one export into <paramref name="output"/> (e.g. an HTTP response body; it is not closed).</summary>
    /// <returns>The manifest of a complete export.</returns>
    /// <exception cref="ExportException">Anything went wrong, cancellation included; its Manifest has Complete = false.</exception>
    public static async Task<ExportManifest> RunAsync(ExportSource source, ExportRequest request, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        using var run = new ExportRun(source, request);
        try
        {
            await run.ExecuteAsync(output, cancellationToken).ConfigureAwait(false);
            return run.Manifest(complete: true, error: null);
        }
        catch (Exception e) when (e is not ExportException)
        {
            var message = e switch
            {
                OperationCanceledException => "the export was cancelled",
                ConnectorException or ProfileValidationException => e.Message,
                IOException => "writing the export failed: " + e.Message,
                _ => "the export failed: " + e.Message,
            };
            throw new ExportException(message, run.Manifest(complete: false, error: message), e);
        }
    }

    private sealed class ExportRun(ExportSource source, ExportRequest request) : IDisposable
    {
        public void Dispose() => _hashing?.Dispose();

        private readonly DateTimeOffset _started = request.Clock.GetUtcNow();
        private ExportPlan? _plan;
        private HashingStream? _hashing;
        private long _read;
        private long _refused;
        private long _suppressed;
        private long _written;
        private (long? Smallest, long Kept, long SuppressedRows, long SuppressedClasses) _classes;

        public async Task ExecuteAsync(Stream output, CancellationToken cancellationToken)
        {
            var schema = await source.DescribeAsync(cancellationToken).ConfigureAwait(false);
            var plan = _plan = ExportPlan.Create(request, schema);
            await using var session = await source.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            var classes = new EquivalenceClasses();
            var counted = await CountInSourceAsync(session, plan, classes, cancellationToken).ConfigureAwait(false);
            if (!counted && plan.K > 1)
            {
                await CountInFirstPassAsync(session, plan, classes, cancellationToken).ConfigureAwait(false);
                counted = true;
            }

            _hashing = new HashingStream(output);
            var target = request.Gzip ? RowWriter.Compress(_hashing) : _hashing;
            var writer = await RowWriter.CreateAsync(request.Format, plan.Output, target, request.ParquetRowGroupSize, cancellationToken).ConfigureAwait(false);
            var completed = false;
            try
            {
                await StreamAsync(session, plan, classes, counted, writer, cancellationToken).ConfigureAwait(false);
                if (!classes.StreamMatchesCount() && counted)
                {
                    throw new ConnectorException($"source {source.DisplayName} changed between counting and streaming; the export was stopped");
                }
                _classes = classes.Summarize(plan.K, useStreamed: !counted);
                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                completed = true;
            }
            finally
            {
                if (!completed)
                {
                    // Whatever the writers flush from here on (gzip trailer, Parquet footer) must not reach the output.
                    _hashing.Abort();
                }
                await writer.DisposeAsync().ConfigureAwait(false);
                if (!ReferenceEquals(target, _hashing))
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                }
                await _hashing.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        private async Task<bool> CountInSourceAsync(SourceSession session, ExportPlan plan, EquivalenceClasses classes, CancellationToken cancellationToken)
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
                        throw new ConnectorException($"{source.DisplayName}, column '{plan.Output[o].Name}': {e.Message}", e);
                    }
                }
                classes.AddCounted(tuple, consented);
            }, cancellationToken).ConfigureAwait(false);
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
                    throw new ConnectorException($"{reader.Position}, column '{plan.Output[column].Name}': {e.Message}", e);
                }
                classes.AddCounted(tuple, 1);
            }
        }

        private async Task StreamAsync(SourceSession session, ExportPlan plan, EquivalenceClasses classes, bool counted, RowWriter writer, CancellationToken cancellationToken)
        {
            await using var reader = await session.OpenReaderAsync(plan.Read, cancellationToken).ConfigureAwait(false);
            var row = new Cell[plan.Read.Columns.Count];
            var output = new Cell[plan.Output.Count];
            var processor = new RowProcessor(plan, classes, counted, source.DisplayName);
            var seen = 0L;
            var refused = 0L;
            while (await reader.ReadAsync(row, cancellationToken).ConfigureAwait(false))
            {
                seen++;
                switch (processor.Process(reader, row, output))
                {
                    case RowOutcome.Refused:
                        refused++;
                        break;
                    case RowOutcome.Suppressed:
                        _suppressed++;
                        break;
                    default:
                        await writer.WriteRowAsync(output, cancellationToken).ConfigureAwait(false);
                        _written++;
                        break;
                }
            }
            if (!session.FiltersConsent)
            {
                _read = seen;
                _refused = refused;
            }
        }

        public ExportManifest Manifest(bool complete, string? error) => new()
        {
            Source = source.DisplayName,
            ProfileName = request.Profile.Name,
            ProfileVersion = request.Profile.Version,
            GrantId = request.GrantId,
            Purpose = request.Purpose,
            PurposeText = request.PurposeText,
            Format = request.Format.ToString(),
            Gzip = request.Gzip,
            RowsRead = _read,
            RowsFilteredByConsent = _refused,
            RowsSuppressed = _suppressed,
            RowsWritten = _written,
            K = _plan?.K ?? Math.Max(request.K, request.Profile.K),
            KAchieved = complete ? _classes.Smallest : null,
            EquivalenceClasses = _classes.Kept,
            EquivalenceClassesSuppressed = _classes.SuppressedClasses,
            QuasiIdentifiers = _plan is null ? [] : _plan.QuasiIdentifiers.Select(i => _plan.Output[i].Name).ToArray(),
            Columns = _plan?.ManifestColumns ?? [],
            Sha256 = _hashing?.HashHex(),
            BytesWritten = _hashing?.BytesWritten ?? 0,
            Complete = complete,
            Error = error,
            StartedAt = _started,
            FinishedAt = request.Clock.GetUtcNow(),
        };
    }
}
