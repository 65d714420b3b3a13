using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Portal.Features.Datasets.Registration;

/// <summary>
/// POST /api/datasets/upload: reads the multipart body section by section, text fields bounded and the file streamed
/// straight to disk by <see cref="DatasetUploads"/>, never buffered in memory (form binding is not used, so the
/// framework buffers nothing either); then <see cref="RegisterFile"/>.
/// </summary>
public static class UploadDataset
{
    private const int FieldMax = 16 * 1024;

    private static readonly HashSet<string> TextFields = new(["name", "description", "format"], StringComparer.Ordinal);

    private static Failure UnknownField(string field) =>
        Failure.Invalid("dataset.upload.field_unknown", field.Length > 64 ? field[..64] : field, "Send only the fields name, description, format and file.");

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/upload", EndpointAsync).WithName("UploadDataset").DisableAntiforgery()
            .WithSummary("Register an uploaded CSV or Parquet file (multipart/form-data: name, description, format, file); 413 when too large.");

    private static async Task<Results<Created<DatasetView>, ProblemHttpResult>> EndpointAsync(
        HttpContext http, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct)
    {
        // Who asks and whether uploads are on are settled before the body limit is raised and before a byte is read.
        if (await services.Gate.UploadAllowedAsync(services, caller, ct) is { } notNow)
        {
            return notNow.ToProblem();
        }
        var received = await ReceiveAsync(http, services.Uploads, ct);
        if (received.Failure is { } refused)
        {
            return refused.ToProblem();
        }
        return (await RegisterFile.HandleAsync(services, caller, received.Value!, ct)).CreatedOrProblem();
    }

    /// <summary>The form's fields and the stored file, or why not (a file stored before the refusal is removed).</summary>
    private static async Task<Outcome<RegisterFile.Input>> ReceiveAsync(HttpContext http, DatasetUploads uploads, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = uploads.MaxBytes + (1 << 20);
        }
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Failure.Invalid("dataset.upload.not_multipart", "file", "Send the file as multipart/form-data with fields name, description, format and file.");
        }
        if (http.Request.ContentLength > uploads.MaxBytes + (1 << 20))
        {
            return uploads.TooLarge;
        }
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? stored = null;
        ConnectorKind? kind = null;
        Failure? refusal = null;
        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body);
            while (refusal is null && await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    refusal = UnknownField("(none)");
                    break;
                }
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                // Only the four known fields, each once: the form is at most four sections, so no number of
                // fields can make the portal hold more than a few KiB of text.
                if (!(field == "file" ? disposition.IsFileDisposition() : TextFields.Contains(field) && disposition.IsFormDisposition()))
                {
                    refusal = UnknownField(field);
                    break;
                }
                if (fields.ContainsKey(field))
                {
                    refusal = Failure.Invalid("dataset.upload.field_repeated", field, $"{field} is sent twice; send each field once.");
                    break;
                }
                if (disposition.IsFileDisposition() && field == "file")
                {
                    if (stored is not null)
                    {
                        refusal = Failure.Invalid("dataset.upload.one_file", "file", "Send one file.");
                        break;
                    }
                    // The browser's file name decides the format when no format field came first; it never becomes a path.
                    kind = DatasetUploads.Kind(fields.GetValueOrDefault("format") ?? Path.GetExtension(HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? ""));
                    if (kind is null)
                    {
                        return DatasetUploads.FormatInvalid;
                    }
                    var saved = await uploads.SaveAsync(section.Body, kind.Value, ct);
                    refusal = saved.Failure;
                    stored = saved.Value;
                }
                else
                {
                    var text = await ReadFieldAsync(section.Body, ct);
                    refusal = text is null ? Failure.Invalid("dataset.upload.field_too_long", field, $"{field} is too long.") : null;
                    fields[field] = text ?? "";
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            refusal = uploads.TooLarge;
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            refusal = Failure.Invalid("dataset.upload.unreadable", "file", $"The upload could not be read: {e.Message}");
        }
        refusal ??= stored is null ? Failure.Invalid("dataset.upload.file_required", "file", "file is required.") : null;
        if (refusal is not null)
        {
            if (stored is not null)
            {
                uploads.Delete(stored);
            }
            return refusal;
        }
        return new RegisterFile.Input(fields.GetValueOrDefault("name"), fields.GetValueOrDefault("description"), kind!.Value, stored!);
    }

    private static async Task<string?> ReadFieldAsync(Stream body, CancellationToken ct)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var buffer = new char[FieldMax + 1];
        var read = 0;
        int n;
        while (read <= FieldMax && (n = await reader.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }
        return read > FieldMax ? null : new string(buffer, 0, read);
    }
}
