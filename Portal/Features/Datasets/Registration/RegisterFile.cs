namespace Portal.Features.Datasets.Registration;

/// <summary>
/// An uploaded CSV or Parquet file, already stored (streamed) by <see cref="DatasetUploads"/> under its generated name;
/// a refused registration removes the file at once.
/// </summary>
public static class RegisterFile
{
    public sealed record Input(string? Name, string? Description, ConnectorKind Kind, string StoredName);

    public static async Task<Outcome<DatasetView>> HandleAsync(DatasetServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        var outcome = input.Kind == ConnectorKind.PostgreSql
            ? DatasetUploads.FormatInvalid
            : await NewDataset.RegisterAsync(services, caller, input.Name, input.Description,
                new ConnectorSettings { Kind = input.Kind, FilePath = input.StoredName }, ct);
        if (!outcome.Succeeded)
        {
            services.Uploads.Delete(input.StoredName);
        }
        return outcome;
    }
}
