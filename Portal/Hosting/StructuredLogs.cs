namespace Portal.Hosting;

/// <summary>
/// Outside Development the console carries one JSON object per line, which log collectors parse without rules.
/// The portal's own messages name ids, codes and counts, never a person (names, e-mail addresses, identifiers):
/// who did what is the audit log's job, where it is protected.
/// </summary>
internal static class StructuredLogs
{
    public static WebApplicationBuilder AddPortalLogging(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                o.IncludeScopes = false;
            });
        }
        return builder;
    }
}
