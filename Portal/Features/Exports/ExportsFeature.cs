using Portal.Features.Exports.Download;

namespace Portal.Features.Exports;

/// <summary>
/// Exports: the moment data leaves (GET /api/datasets/{id}/export and the download page). The offline
/// `Portal anonymize` command is started by the command line, not registered here.
/// </summary>
public static class ExportsFeature
{
    public static IServiceCollection AddExports(this IServiceCollection services) =>
        services.AddSingleton<ExportServices>().AddSingleton<ExportSlots>();

    public static RouteGroupBuilder MapExports(this RouteGroupBuilder api)
    {
        ExportDataset.Map(api).RequireScope(Scopes.DataExport);
        return api;
    }
}
