using System.IO.Compression;
using Portal.Connectors.Rows;

namespace Portal.Connectors.Writers;

/// <summary>Writes rows to a stream, asynchronously (ASP.NET response bodies refuse synchronous writes) and with bounded buffers.</summary>
internal abstract class RowWriter : IAsyncDisposable
{
    public abstract ValueTask WriteRowAsync(Cell[] row, CancellationToken cancellationToken);

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
