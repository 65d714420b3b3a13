namespace Portal.Kernel;

/// <summary>
/// Links into the dataset pages, for notifications and for other features' pages: in the kernel so that linking to a
/// dataset does not make a feature import the Datasets feature.
/// </summary>
public static class DatasetLinks
{
    public static string Dataset(Guid id) => $"/owner/datasets/{id}";
}
