namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Fetches a federation aggregate, has it verified, and keeps the verified bytes on disk as the last good copy. The
/// copy is the federation's own signed document, so loading it later verifies it again like any download.
/// </summary>
public sealed class FederationLoader(IHttpClientFactory http, TimeProvider time, ILogger<FederationLoader> logger)
{
    /// <summary>eduGAIN's aggregate is tens of megabytes; anything far larger is not metadata.</summary>
    private const long MaxAggregateBytes = 256L * 1024 * 1024;

    /// <summary>Downloads (or reads) the aggregate from its source, verifies it and, when good, replaces the cached copy.</summary>
    public async Task<FederationAggregate> FetchAsync(FederationSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        var bytes = await ReadSourceAsync(source.Metadata, ct);
        var aggregate = AggregateVerifier.Verify(source.Name, bytes, source.SigningCertificate, time.GetUtcNow());
        await WriteCacheAsync(source, bytes, ct);
        return aggregate;
    }

    /// <summary>The last good copy, verified again now (it may have expired since it was written).</summary>
    public async Task<FederationAggregate> LoadCacheAsync(FederationSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(source.CachePath, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FederationMetadataException(FederationReasons.SourceUnreadable, $"no last good copy at {source.CachePath}: {e.Message}", e);
        }
        return AggregateVerifier.Verify(source.Name, bytes, source.SigningCertificate, time.GetUtcNow());
    }

    /// <summary>
    /// At start: the source, else the last good copy. Both failing is a configuration error naming both reasons,
    /// because a portal whose federation cannot be trusted would sign nobody in from it.
    /// </summary>
    public async Task<FederationAggregate> LoadAtStartAsync(FederationSource source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return await FetchAsync(source, ct);
        }
        catch (FederationMetadataException fetch)
        {
            logger.LogWarning("Federation {Federation}: source {Source} refused ({Code}: {Detail}); trying the last good copy",
                source.Name, source.Metadata, fetch.Code, fetch.Detail);
            try
            {
                var cached = await LoadCacheAsync(source, ct);
                logger.LogWarning("Federation {Federation}: using the last good copy from {Path}, valid until {ValidUntil:O}",
                    source.Name, source.CachePath, cached.ValidUntil);
                return cached;
            }
            catch (FederationMetadataException cache)
            {
                throw new Hosting.PortalConfigurationException(
                    $"Saml:Federations:{source.Name}: {source.Metadata} refused ({fetch.Message}) and no usable last good copy ({cache.Message})", cache);
            }
        }
    }

    private async Task<byte[]> ReadSourceAsync(string location, CancellationToken ct)
    {
        try
        {
            if (Uri.TryCreate(location, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                using var client = http.CreateClient("saml-metadata");
                client.Timeout = TimeSpan.FromSeconds(60);
                client.MaxResponseContentBufferSize = MaxAggregateBytes;
                return await client.GetByteArrayAsync(uri, ct);
            }
            var info = new FileInfo(location);
            if (info.Exists && info.Length > MaxAggregateBytes)
            {
                throw new FederationMetadataException(FederationReasons.SourceUnreadable, $"{location} is larger than {MaxAggregateBytes} bytes");
            }
            return await File.ReadAllBytesAsync(location, ct);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException
            || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new FederationMetadataException(FederationReasons.SourceUnreadable, $"{location} cannot be read: {e.Message}", e);
        }
    }

    // Temp file + rename in the same folder: a crash mid-write leaves the previous copy, never half a document.
    private async Task WriteCacheAsync(FederationSource source, byte[] bytes, CancellationToken ct)
    {
        var temporary = $"{source.CachePath}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(source.CachePath))!);
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await file.WriteAsync(bytes, ct);
                await file.FlushAsync(ct);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, source.CachePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The verified aggregate is still used; only the fallback for the next failure is missing, so say so loudly.
            logger.LogError("Federation {Federation}: {Code}: the last good copy cannot be written to {Path}: {Message}",
                source.Name, FederationReasons.CacheUnwritable, source.CachePath, e.Message);
            TryDelete(temporary);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: a stray temp file is harmless and named as such.
        }
    }
}
