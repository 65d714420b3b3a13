using Portal.Connectors.Anonymization;
using Portal.Connectors.Rows;
using Portal.Connectors.Sources;
using Portal.Connectors.Writers;

namespace Portal.Connectors;

/// <summary>
/// source → consent filter → transforms → k-anonymity suppression → writer → the caller's stream.
/// Class sizes are known before the first row is written: counted by the database (one GROUP BY in the
/// same snapshot, on a second connection while the stream starts: rows read meanwhile wait in a bounded
/// buffer) or, for files, by a first pass. Memory grows with the number of classes, never with rows.
/// </summary>
public static partial class ExportPipeline
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
            var code = e switch
            {
                OperationCanceledException => "export.run.cancelled",
                ConnectorException c => c.Code,
                ProfileValidationException => "profile.invalid",
                IOException => "export.run.write_failed",
                _ => "export.run.failed",
            };
            throw new ExportException(code, message, run.Manifest(complete: false, error: message), e);
        }
    }

    private sealed partial class ExportRun(ExportSource source, ExportRequest request) : IDisposable
    {
        public void Dispose() => _hashing?.Dispose();

        private readonly DateTimeOffset _started = request.Clock.GetUtcNow();
        private ExportPlan? _plan;
        private HashingStream? _hashing;
        private long _read;
        private long _refused;
        private long _suppressed;
        private long _written;
        private long _seen;
        private long _seenRefused;
        private (long? Smallest, long Kept, long SuppressedRows, long SuppressedClasses) _classes;
        private Anonymization.Risk.ReidentificationRisk? _risk;

        public async Task ExecuteAsync(Stream output, CancellationToken cancellationToken)
        {
            var schema = await source.DescribeAsync(cancellationToken).ConfigureAwait(false);
            var plan = _plan = ExportPlan.Create(request, schema, source.FiltersConsent);
            await using var session = await source.OpenSessionAsync(cancellationToken).ConfigureAwait(false);
            await using (var fork = await session.ForkAsync(cancellationToken).ConfigureAwait(false))
            {
                if (fork is not null)
                {
                    // The count gets transforms of its own: it runs on another thread than the stream.
                    var countPlan = ExportPlan.Create(request, schema, source.FiltersConsent);
                    await WriteAsync(output, plan, (writer, ct) => StreamWhileCountingAsync(session, countPlan, fork, plan, writer, ct), cancellationToken).ConfigureAwait(false);
                    return;
                }
            }

            var groups = new CountedGroups(plan.QuasiIdentifiers.Length);
            IClassSizes classes;
            var counted = await CountInSourceAsync(session, plan, groups, countRefused: true, cancellationToken).ConfigureAwait(false);
            if (counted)
            {
                classes = ClassIndex.Build(groups, NewColumns(plan), request.ClassTable);
            }
            else if (plan.K > 1)
            {
                var firstPass = new EquivalenceClasses(countedBefore: true);
                await CountInFirstPassAsync(session, plan, firstPass, cancellationToken).ConfigureAwait(false);
                classes = firstPass;
                counted = true;
            }
            else
            {
                classes = new EquivalenceClasses(countedBefore: false);
            }
            await WriteAsync(output, plan, async (writer, ct) =>
            {
                await using var reader = await session.OpenReaderAsync(plan.Read, ct).ConfigureAwait(false);
                await StreamAsync(reader, plan, classes, counted, writer, ct).ConfigureAwait(false);
                if (!source.FiltersConsent)
                {
                    _read = _seen;
                    _refused = _seenRefused;
                }
                return (classes, counted);
            }, cancellationToken).ConfigureAwait(false);
        }

        private static ColumnOrdinals[] NewColumns(ExportPlan plan) =>
            plan.QuasiIdentifiers.Select(_ => new ColumnOrdinals()).ToArray();

        /// <summary>Runs <paramref name="stream"/> into a writer over the hashed output; checks the stream against the count and completes the writer.</summary>
        private async Task WriteAsync(Stream output, ExportPlan plan, Func<RowWriter, CancellationToken, Task<(IClassSizes Classes, bool Counted)>> stream, CancellationToken cancellationToken)
        {
            _hashing = new HashingStream(output);
            var target = request.Gzip ? RowWriter.Compress(_hashing) : _hashing;
            var completed = false;
            RowWriter? writer = null;
            try
            {
                writer = await RowWriter.CreateAsync(request.Format, plan.Output, target, request.ParquetRowGroupSize, cancellationToken).ConfigureAwait(false);
                var (classes, counted) = await stream(writer, cancellationToken).ConfigureAwait(false);
                if (counted && !classes.StreamMatchesCount())
                {
                    throw new ConnectorException("source.changed", $"source {source.DisplayName} changed between counting and streaming; the export was stopped");
                }
                _classes = classes.Summarize(plan.K);
                _risk = classes.Risk(plan.K);
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
                if (writer is not null)
                {
                    await writer.DisposeAsync().ConfigureAwait(false);
                }
                if (!ReferenceEquals(target, _hashing))
                {
                    await target.DisposeAsync().ConfigureAwait(false);
                }
                await _hashing.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Streams every row of <paramref name="reader"/> through the class check into <paramref name="writer"/>.</summary>
        private async Task StreamAsync(RowReader reader, ExportPlan plan, IClassSizes classes, bool counted, RowWriter writer, CancellationToken cancellationToken)
        {
            var row = new Cell[plan.Read.Columns.Count];
            var output = new Cell[plan.Output.Count];
            var processor = new RowProcessor(plan, source.DisplayName);
            while (await reader.ReadAsync(row, cancellationToken).ConfigureAwait(false))
            {
                _seen++;
                switch (processor.Process(reader, row, output, classes, counted))
                {
                    case RowOutcome.Refused:
                        _seenRefused++;
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
        }

        /// <summary>
        /// The class count runs on <paramref name="counting"/> while <paramref name="streaming"/> (same snapshot) streams.
        /// Every row is classified (consent, quasi-identifiers' ordinals) into a bounded buffer of pending rows. Until the
        /// counts arrive nothing is written; a full buffer stops the reading (the server then waits). Once they are in,
        /// the buffer is drained in order, then in batches as rows come (<see cref="PendingDrain"/>).
        /// </summary>
        private async Task<(IClassSizes, bool)> StreamWhileCountingAsync(SourceSession counting, ExportPlan countPlan, SourceSession streaming, ExportPlan plan, RowWriter writer, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var groups = new CountedGroups(plan.QuasiIdentifiers.Length);
            // The counting session also counts the refused rows: the stream starts at once.
            var count = Task.Run(() => CountBesideStreamAsync(counting, countPlan, groups, stop.Token), stop.Token);
            PendingDrain? drain = null;
            try
            {
                await using var reader = await streaming.OpenReaderAsync(plan.Read, cancellationToken).ConfigureAwait(false);
                var row = new Cell[plan.Read.Columns.Count];
                var processor = new RowProcessor(plan, source.DisplayName);
                var columns = NewColumns(plan);
                var ordinals = new int[columns.Length];
                var pending = new Cell[plan.Output.Count + 1];
                var stored = processor.PendingCells;
                var rows = new PendingRows(request.PendingLimit);
                ClassIndex? classes = null;
                async Task<ClassIndex> CountedAsync()
                {
                    await count.ConfigureAwait(false);
                    // The count's transforms are free from here on: the drain's helper thread uses them.
                    drain = new PendingDrain(plan, processor, new RowProcessor(countPlan, source.DisplayName), columns, writer, reader);
                    return ClassIndex.Build(groups, columns, request.ClassTable);
                }
                while (await reader.ReadAsync(row, cancellationToken).ConfigureAwait(false))
                {
                    _seen++;
                    if (!processor.Classify(reader, row, pending, columns, ordinals))
                    {
                        _seenRefused++;
                        continue;
                    }
                    if (classes is not null)
                    {
                        // The buffer was emptied when the counts came: rows go straight to the writer from here on.
                        await drain!.OfferAsync(_seen, ordinals, pending, classes, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    rows.Add(_seen, ordinals, pending, stored);
                    if (rows.Full || count.IsCompleted)
                    {
                        classes = await CountedAsync().ConfigureAwait(false);
                        await drain!.DrainAsync(rows, classes, cancellationToken).ConfigureAwait(false);
                    }
                }
                if (classes is null)
                {
                    classes = await CountedAsync().ConfigureAwait(false);
                    await drain!.DrainAsync(rows, classes, cancellationToken).ConfigureAwait(false);
                }
                await drain!.FlushAsync(cancellationToken).ConfigureAwait(false);
                return (classes, true);
            }
            finally
            {
                if (drain is not null)
                {
                    await drain.StopAsync().ConfigureAwait(false);
                    _suppressed += drain.Suppressed;
                    _written += drain.Written;
                }
                if (!count.IsCompleted)
                {
                    // The stream failed first; its error is the one to report. The count must be over before its
                    // session (connection) is disposed.
                    await stop.CancelAsync().ConfigureAwait(false);
                    await Task.WhenAny(count).ConfigureAwait(false);
                    _ = count.Exception;
                }
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
            Risk = complete ? _risk : null,
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
