using System.IO.Compression;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Writers;

/// <summary>Writes rows to a stream, asynchronously (ASP.NET response bodies refuse synchronous writes) and with bounded buffers.</summary>
internal abstract class RowWriter : IAsyncDisposable
{
    public abstract ValueTask WriteRowAsync(Cell[] row, CancellationToken cancellationToken);

    /// <summary>
    /// A formatter that turns rows into this writer's bytes on another thread, for formats whose rows are independent
    /// byte strings (CSV, JSON Lines); null when the format has no such rows (Parquet's column chunks).
    /// </summary>
    public virtual RowFormatter? CreateFormatter() => null;

    /// <summary>Writes a row formatted by <see cref="CreateFormatter"/>'s formatter: the same bytes, flushed at the same points, as <see cref="WriteRowAsync"/>.</summary>
    public virtual ValueTask WriteFormattedAsync(ReadOnlySpan<byte> formatted, int units, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    /// <summary>Flushes what is buffered and writes any closing structure; only called for a successful export.</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static async Task<RowWriter> CreateAsync(ExportFormat format, IReadOnlyList<OutputColumn> columns, Stream output, int parquetRowGroupSize, CancellationToken cancellationToken) =>
        format switch
        {
            ExportFormat.Csv => await CsvRowWriter.CreateAsync(columns, output, cancellationToken).ConfigureAwait(false),
            ExportFormat.JsonLines => new JsonLinesRowWriter(columns, output),
            ExportFormat.Parquet => await ParquetRowWriter.CreateAsync(columns, output, parquetRowGroupSize, cancellationToken).ConfigureAwait(false),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };

    public static Stream Compress(Stream output) => new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true);
}

/// <summary>Formats rows as its writer would (one formatter per thread), for <see cref="RowWriter.WriteFormattedAsync"/>.</summary>
internal abstract class RowFormatter
{
    /// <summary>The row's bytes (valid until the next call) and their size in the writer's flush units.</summary>
    public abstract ReadOnlySpan<byte> Format(Cell[] row, out int units);
}
