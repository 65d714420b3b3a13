using MudBlazor;

namespace Portal.Components.Layout;

internal static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5f8b", Secondary = "#2e7d32", AppbarBackground = "#1f5f8b" },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Arial", "sans-serif"] },
        },
    };
}
