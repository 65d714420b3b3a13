using Microsoft.AspNetCore.Http.HttpResults;

namespace Portal.Features.Datasets.Registration;

/// <summary>A table or view on an allow-listed PostgreSQL host. The schema is read before anything is stored.</summary>
public static class RegisterPostgres
{
    public sealed record Input(string? Name, string? Description, string? Host, int? Port, string? Database,
        string? Schema, string? Relation, string? Username, string? Password);

    private const int PasswordMax = 1000;

    internal static RouteHandlerBuilder Map(RouteGroupBuilder group) =>
        group.MapPost("/", EndpointAsync).WithName("RegisterPostgresDataset")
            .WithSummary("Register a table or view on an allow-listed PostgreSQL host; the schema is read and stored as Unclassified. You own it, as a draft.");

    private static async Task<Results<Created<DatasetView>, ProblemHttpResult>> EndpointAsync(
        Input? input, Caller caller, [AsParameters] DatasetServices services, CancellationToken ct) =>
        (await HandleAsync(services, caller, input ?? new Input(null, null, null, null, null, null, null, null, null), ct)).CreatedOrProblem();

    public static async Task<Outcome<DatasetView>> HandleAsync(DatasetServices services, Caller caller, Input input, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(input);
        if (Check(services, input) is { } invalid)
        {
            return invalid;
        }
        var connector = new ConnectorSettings
        {
            Kind = ConnectorKind.PostgreSql,
            Host = input.Host!.Trim(),
            Port = input.Port ?? 5432,
            Database = input.Database!.Trim(),
            Schema = string.IsNullOrWhiteSpace(input.Schema) ? "public" : input.Schema.Trim(),
            Relation = input.Relation!.Trim(),
            Username = input.Username!.Trim(),
            ProtectedPassword = string.IsNullOrEmpty(input.Password) ? null : services.Credentials.Protect(input.Password),
        };
        return await NewDataset.RegisterAsync(services, caller, input.Name, input.Description, connector, ct);
    }

    private static Failure? Check(DatasetServices services, Input input)
    {
        var host = input.Host?.Trim() ?? "";
        if (host.Length == 0)
        {
            return Failure.Invalid("dataset.source.host_required", "host", "host is required.");
        }
        if (!services.Sources.IsHostAllowed(host))
        {
            return Failure.Invalid("dataset.source.host_not_allowed", "host",
                $"The host '{host}' is not on this portal's allow-list of source databases (Connectors:AllowedHosts); ask its operator to add it.");
        }
        if (input.Port is < 1 or > 65535)
        {
            return Failure.Invalid("dataset.source.port_invalid", "port", "port must be between 1 and 65535.");
        }
        foreach (var (field, value, required) in new[] { ("database", input.Database, true), ("schema", input.Schema, false), ("relation", input.Relation, true), ("username", input.Username, true) })
        {
            if (required && string.IsNullOrWhiteSpace(value))
            {
                return Failure.Invalid("dataset.source.field_required", field, $"{field} is required.");
            }
            if (TextRules.NameCharacters(value, "dataset.source.identifier_characters", field) is { } unsafeName)
            {
                return unsafeName;
            }
            if (value is { Length: > DatasetRules.IdentifierMax })
            {
                return Failure.Invalid("dataset.source.identifier_too_long", field,
                    $"{field} is too long: PostgreSQL names have at most {DatasetRules.IdentifierMax} characters.");
            }
        }
        if (services.Sources.IsPortalDatabase(host, input.Port ?? 5432, input.Database!.Trim()))
        {
            return Failure.Invalid("dataset.source.portal_database", "database", "The portal's own database cannot be registered as a source.");
        }
        if (TextRules.Nul(input.Password, "password") is { } nul)
        {
            return nul;
        }
        return input.Password is { Length: > PasswordMax } ? Failure.Invalid("dataset.source.password_too_long", "password", "password is too long.") : null;
    }
}
