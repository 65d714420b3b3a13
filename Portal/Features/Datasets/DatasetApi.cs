using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Portal.Features.SignIn;

namespace Portal.Features.Datasets;

/// <summary>/api/datasets for owners and stewards, and /api/vos/{id}/catalogue for VO members. Every rule is in <see cref="DatasetService"/>.</summary>
internal static class DatasetApi
{
    public static void MapDatasetApi(this RouteGroupBuilder api)
    {
        var ds = api.MapGroup("/datasets").WithTags("Datasets");
        ds.MapGet("/", ListMine).WithName("ListMyDatasets").WithSummary("Datasets you own or steward, by name (?page, &pageSize).");
        ds.MapPost("/", RegisterPostgres).WithName("RegisterPostgresDataset")
            .WithSummary("Register a table or view on an allow-listed PostgreSQL host; the schema is read and stored as Unclassified. You own it, as a draft.");
        ds.MapPost("/upload", Upload).WithName("UploadDataset").DisableAntiforgery()
            .WithSummary("Register an uploaded CSV or Parquet file (multipart/form-data: name, description, format, file); 413 when too large.");
        ds.MapGet("/{id:guid}", Get).WithName("GetDataset").WithSummary("Metadata: in full for owner and stewards, the public part for members of a VO it is shared into.");
        ds.MapPost("/{id:guid}/schema", RefreshSchema).WithName("ReadDatasetSchema").WithSummary("Read the columns again from the source; known columns keep their class.");
        ds.MapGet("/{id:guid}/suggestions", Suggestions).WithName("SuggestColumnClasses").WithSummary("Suggested classes from column names and a few sample rows.");
        ds.MapPut("/{id:guid}/columns", Classify).WithName("ClassifyDatasetColumns").WithSummary("Set columns' classes: { \"columns\": { \"mrn\": \"DirectIdentifier\" } }.");
        ds.MapPut("/{id:guid}/conditions", SetConditions).WithName("SetDatasetConditions")
            .WithSummary("Name, description, DUO data use, terms of use (bumps termsVersion), anonymization profile (bumps profileVersion), default k.");
        ds.MapPost("/{id:guid}/stewards", AddSteward).WithName("AddDatasetSteward").WithSummary("Owner: name a steward.");
        ds.MapDelete("/{id:guid}/stewards/{userId:guid}", RemoveSteward).WithName("RemoveDatasetSteward").WithSummary("Owner: remove a steward.");
        ds.MapPost("/{id:guid}/shares", Share).WithName("ShareDataset").WithSummary("Owner: list it in the catalogue of a VO you are a member of.");
        ds.MapDelete("/{id:guid}/shares/{voId:guid}", Unshare).WithName("UnshareDataset").WithSummary("Owner or the VO's admin: take it out of that VO's catalogue.");
        ds.MapPost("/{id:guid}/activate", Activate).WithName("ActivateDataset").WithSummary("Owner: draft → active, once every column is classified and the profile is valid.");
        ds.MapPost("/{id:guid}/withdraw", Withdraw).WithName("WithdrawDataset").WithSummary("Owner: withdraw with a reason; every grant stops at once.");
        ds.MapGet("/{id:guid}/preview", Preview).WithName("PreviewDataset")
            .WithSummary("Owner or steward: the first rows (≤ 100) exactly as a grant delivers them, with the manifest (?grantId, &rows, &purpose).");
        api.MapGet("/vos/{id:guid}/catalogue", Catalogue).WithTags("Datasets").WithName("VoCatalogue")
            .WithSummary("Members: active datasets shared into the VO, by name (?page, &pageSize).");
    }

    private static Results<Ok<T>, ProblemHttpResult> OkOr<T>(Outcome<T> o) => o.Failure is { } f ? f.ToProblem() : TypedResults.Ok(o.Value);

    private static Results<NoContent, ProblemHttpResult> NoContentOr<T>(Outcome<T> o) => o.Failure is { } f ? f.ToProblem() : TypedResults.NoContent();

    private static Results<Created<DatasetView>, ProblemHttpResult> CreatedOr(Outcome<DatasetView> o) =>
        o.Failure is { } f ? f.ToProblem() : TypedResults.Created($"/api/datasets/{o.Value!.Id}", o.Value);

    private static async Task<Results<Ok<PageOf<MyDatasetRow>>, ProblemHttpResult>> ListMine(int? page, int? pageSize, HttpContext http, DatasetService datasets, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : OkOr(await datasets.ListMineAsync(Caller.From(http), paging.Value, ct));
    }

    private static async Task<Results<Ok<PageOf<CatalogueEntry>>, ProblemHttpResult>> Catalogue(Guid id, int? page, int? pageSize, HttpContext http, DatasetService datasets, CancellationToken ct)
    {
        var paging = Paging.From(page, pageSize);
        return paging.Failure is { } bad ? bad.ToProblem() : OkOr(await datasets.CatalogueAsync(Caller.From(http), id, paging.Value, ct));
    }

    private static async Task<Results<Created<DatasetView>, ProblemHttpResult>> RegisterPostgres(RegisterPostgresInput? input, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        CreatedOr(await datasets.RegisterPostgresAsync(Caller.From(http), input ?? new RegisterPostgresInput(null, null, null, null, null, null, null, null, null), ct));

    private const int FieldMax = 16 * 1024;

    /// <summary>
    /// Reads the multipart body section by section: text fields (bounded), and the file streamed straight to disk by
    /// <see cref="DatasetUploads"/>, never buffered in memory. Form binding is not used, so nothing is buffered by the framework either.
    /// </summary>
    private static async Task<Results<Created<DatasetView>, ProblemHttpResult>> Upload(HttpContext http, DatasetService datasets, DatasetUploads uploads, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = uploads.MaxBytes + (1 << 20);
        }
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return Failure.Invalid("file", "Send the file as multipart/form-data with fields name, description, format and file.").ToProblem();
        }
        if (http.Request.ContentLength > uploads.MaxBytes + (1 << 20))
        {
            return new Failure(FailureKind.TooLarge, "dataset.upload.too_large", $"The file is larger than this portal accepts ({uploads.MaxBytes} bytes).", "file").ToProblem();
        }
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? stored = null;
        ConnectorKind? kind = null;
        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition() && field == "file")
                {
                    if (stored is not null)
                    {
                        return Failure.Invalid("file", "Send one file.").ToProblem();
                    }
                    // The browser's file name decides the format when no format field came first; it never becomes a path.
                    kind = Kind(fields.GetValueOrDefault("format") ?? Path.GetExtension(HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? ""));
                    if (kind is null)
                    {
                        return Failure.Invalid("format", "format must be csv or parquet.").ToProblem();
                    }
                    var saved = await uploads.SaveAsync(section.Body, kind.Value, ct);
                    if (saved.Failure is { } refused)
                    {
                        return refused.ToProblem();
                    }
                    stored = saved.Value;
                }
                else if (disposition.IsFormDisposition())
                {
                    var text = await ReadFieldAsync(section.Body, ct);
                    if (text is null)
                    {
                        return Failure.Invalid(field, $"{field} is too long.").ToProblem();
                    }
                    fields[field] = text;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            Discard(uploads, stored);
            return new Failure(FailureKind.TooLarge, "dataset.upload.too_large", $"The file is larger than this portal accepts ({uploads.MaxBytes} bytes).", "file").ToProblem();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            Discard(uploads, stored);
            return Failure.Invalid("file", $"The upload could not be read: {e.Message}").ToProblem();
        }
        if (stored is null)
        {
            return Failure.Invalid("file", "file is required.").ToProblem();
        }
        var outcome = await datasets.RegisterFileAsync(Caller.From(http), fields.GetValueOrDefault("name"), fields.GetValueOrDefault("description"), kind!.Value, stored, ct);
        if (!outcome.Succeeded)
        {
            Discard(uploads, stored);
        }
        return CreatedOr(outcome);
    }

    private static void Discard(DatasetUploads uploads, string? stored)
    {
        if (stored is not null)
        {
            uploads.Delete(stored);
        }
    }

    private static ConnectorKind? Kind(string text) => text.TrimStart('.').ToUpperInvariant() switch
    {
        "CSV" => ConnectorKind.Csv,
        "PARQUET" => ConnectorKind.Parquet,
        _ => null,
    };

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

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> Get(Guid id, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.GetAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<SchemaView>, ProblemHttpResult>> RefreshSchema(Guid id, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.RefreshSchemaAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<IReadOnlyList<ColumnSuggestion>>, ProblemHttpResult>> Suggestions(Guid id, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.SuggestAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> Classify(Guid id, ClassifyInput? input, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.ClassifyAsync(Caller.From(http), id, input?.Columns, ct));

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> SetConditions(Guid id, DatasetConditionsInput? input, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.SetConditionsAsync(Caller.From(http), id, input ?? new DatasetConditionsInput(), ct));

    private static async Task<Results<Ok<StewardView>, ProblemHttpResult>> AddSteward(Guid id, StewardInput? input, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.AddStewardAsync(Caller.From(http), id, input?.UserId, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveSteward(Guid id, Guid userId, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        NoContentOr(await datasets.RemoveStewardAsync(Caller.From(http), id, userId, ct));

    private static async Task<Results<Ok<ShareView>, ProblemHttpResult>> Share(Guid id, ShareInput? input, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.ShareAsync(Caller.From(http), id, input?.VoId, ct));

    private static async Task<Results<NoContent, ProblemHttpResult>> Unshare(Guid id, Guid voId, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        NoContentOr(await datasets.UnshareAsync(Caller.From(http), id, voId, ct));

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> Activate(Guid id, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.ActivateAsync(Caller.From(http), id, ct));

    private static async Task<Results<Ok<DatasetView>, ProblemHttpResult>> Withdraw(Guid id, WithdrawInput? input, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.WithdrawAsync(Caller.From(http), id, input?.Reason, ct));

    private static async Task<Results<Ok<PreviewView>, ProblemHttpResult>> Preview(
        Guid id, Guid? grantId, int? rows, string? purpose, HttpContext http, DatasetService datasets, CancellationToken ct) =>
        OkOr(await datasets.PreviewAsync(Caller.From(http), id, grantId, rows, purpose, ct));
}
