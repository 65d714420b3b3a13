namespace Portal.Features.Datasets.Registration;

/// <summary>
/// Where uploaded dataset files live (Connectors:UploadFolder, also a file root for the connectors) and how big they
/// may be (Connectors:MaxUploadBytes, default 1 GiB). Files are streamed to disk under a generated name: the name the
/// browser sent never becomes part of a path.
/// </summary>
public sealed class DatasetUploads(IConfiguration configuration)
{
    public string? Folder { get; } = configuration["Connectors:UploadFolder"] is { Length: > 0 } f ? Path.GetFullPath(f) : null;

    public long MaxBytes { get; } = configuration.GetValue<long?>("Connectors:MaxUploadBytes") ?? 1L << 30;

    /// <summary>Copies <paramref name="content"/> to a new file; the stored name, or why not (413 when too large).</summary>
    public async Task<Outcome<string>> SaveAsync(Stream content, ConnectorKind kind, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (Folder is null)
        {
            return Disabled;
        }
        Directory.CreateDirectory(Folder);
        var name = $"{Guid.CreateVersion7():N}{(kind == ConnectorKind.Parquet ? ".parquet" : ".csv")}";
        var path = Path.Combine(Folder, name);
        var buffer = new byte[81920];
        long total = 0;
        var complete = false;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await content.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > MaxBytes)
                    {
                        return TooLarge;
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (total == 0)
            {
                return Failure.Invalid("dataset.upload.empty", "file", "The file is empty.");
            }
            complete = true;
            return name;
        }
        finally
        {
            if (!complete)
            {
                File.Delete(path);
            }
        }
    }

    public static readonly Failure Disabled =
        new(FailureKind.Conflict, "dataset.upload.disabled", "This portal accepts no uploads (no Connectors:UploadFolder); ask its operator.");

    /// <summary>413: the file is larger than this portal accepts.</summary>
    public Failure TooLarge => new(FailureKind.TooLarge, "dataset.upload.too_large", $"The file is larger than this portal accepts ({MaxBytes} bytes).", "file");

    public static readonly Failure FormatInvalid = Failure.Invalid("dataset.upload.format_invalid", "format", "format must be csv or parquet.");

    /// <summary>The format from a form field or a file name's extension ("csv", ".parquet"), or null.</summary>
    public static ConnectorKind? Kind(string? text) => (text ?? "").TrimStart('.').ToUpperInvariant() switch
    {
        "CSV" => ConnectorKind.Csv,
        "PARQUET" => ConnectorKind.Parquet,
        _ => null,
    };

    /// <summary>Removes a stored upload whose registration was refused.</summary>
    public void Delete(string storedName)
    {
        if (Folder is not null && Path.GetFileName(storedName) == storedName)
        {
            File.Delete(Path.Combine(Folder, storedName));
        }
    }
}
