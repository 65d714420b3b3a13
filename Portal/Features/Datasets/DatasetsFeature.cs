using Portal.Features.Datasets.Catalogue;
using Portal.Features.Datasets.Columns;
using Portal.Features.Datasets.Conditions;
using Portal.Features.Datasets.Lifecycle;
using Portal.Features.Datasets.Owner;
using Portal.Features.Datasets.Preview;
using Portal.Features.Datasets.Registration;
using Portal.Features.Datasets.Sharing;
using Portal.Features.Datasets.Sources;
using Portal.Features.Datasets.Stewards;

namespace Portal.Features.Datasets;

/// <summary>
/// Datasets: owners register a source (PostgreSQL, or an uploaded CSV or Parquet file), classify its columns, set its
/// use conditions and anonymization profile, name stewards, share it into VO catalogues, activate, preview and
/// withdraw it; VO members browse the catalogue. /api/datasets and /api/vos/{id}/catalogue.
/// </summary>
public static class DatasetsFeature
{
    public static IServiceCollection AddDatasets(this IServiceCollection services)
    {
        services.AddSingleton<DatasetCredentials>();
        services.AddSingleton<DatasetSources>();
        services.AddSingleton<PseudonymKeys>();
        services.AddSingleton<DatasetUploads>();
        services.AddSingleton<RegistrationGate>();
        services.AddSingleton<DatasetServices>();
        services.AddSingleton<UploadSweepJob>();
        services.AddHostedService(sp => sp.GetRequiredService<UploadSweepJob>());
        return services;
    }

    public static RouteGroupBuilder MapDatasets(this RouteGroupBuilder api)
    {
        var datasets = api.MapGroup("/datasets").WithTags("Datasets");
        ListMyDatasets.Map(datasets).RequireScope(Scopes.CatalogueRead);
        RegisterPostgres.Map(datasets).RequireScope(Scopes.DatasetsManage);
        UploadDataset.Map(datasets).RequireScope(Scopes.DatasetsManage);
        RegisterSiteDataset.Map(datasets).RequireScope(Scopes.DatasetsManage);
        GetDataset.Map(datasets).RequireScope(Scopes.CatalogueRead);
        ReadSchema.Map(datasets).RequireScope(Scopes.DatasetsManage);
        SuggestClasses.Map(datasets).RequireScope(Scopes.DatasetsManage);
        ClassifyColumns.Map(datasets).RequireScope(Scopes.DatasetsManage);
        SetConditions.Map(datasets).RequireScope(Scopes.DatasetsManage);
        AddSteward.Map(datasets).RequireScope(Scopes.DatasetsManage);
        RemoveSteward.Map(datasets).RequireScope(Scopes.DatasetsManage);
        ShareDataset.Map(datasets).RequireScope(Scopes.DatasetsManage);
        UnshareDataset.Map(datasets).RequireScope(Scopes.DatasetsManage);
        ActivateDataset.Map(datasets).RequireScope(Scopes.DatasetsManage);
        WithdrawDataset.Map(datasets).RequireScope(Scopes.DatasetsManage);
        PreviewDataset.Map(datasets).RequireScope(Scopes.DataExport);
        BrowseCatalogue.Map(api).RequireScope(Scopes.CatalogueRead);
        return api;
    }
}
