using Polly;
using Polly.Registry;
using Segur.Security;
using Segur.Soap;
using Segur.Testing.Pki;
using Segur.Core.Tests.Security;
using Xunit;

namespace Segur.Core.Tests.Soap;

public sealed class SoapClientBuildingTests
{
    [Fact]
    public void ResolvePipeline_ExplicitWinsThenNamedThenDefault()
    {
        var explicitPipeline = new ResiliencePipelineBuilder().Build();
        var named = new ResiliencePipelineBuilder().Build();
        var registry = new ResiliencePipelineRegistry<string>();
        registry.TryAddBuilder("Segur.Dmp", (builder, _) => builder.AddTimeout(TimeSpan.FromSeconds(5)));
        var fromRegistry = registry.GetPipeline("Segur.Dmp");

        Assert.Same(explicitPipeline, SoapClientBuilding.ResolvePipeline(explicitPipeline, registry, "Segur.Dmp", TimeProvider.System));
        Assert.Same(fromRegistry, SoapClientBuilding.ResolvePipeline(null, registry, "Segur.Dmp", TimeProvider.System));
        var fallback = SoapClientBuilding.ResolvePipeline(null, registry, "Segur.Ins", TimeProvider.System);
        Assert.NotSame(fromRegistry, fallback);
        Assert.NotSame(ResiliencePipeline.Empty, fallback);
        Assert.NotSame(named, fallback);
    }

    [Fact]
    public async Task CreateHttpsClientAsync_CreateThrows_HttpClientDisposed()
    {
        using var credential = TestPki.CreateCredential(SecurityFixture.Organisation);
        HttpClient? captured = null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => SoapClientBuilding.CreateHttpsClientAsync<object>(
            new SegurHttpHandlerOptions { ClientCredential = credential, ServerTrust = SecurityFixture.Pki.Trust }, TimeSpan.FromSeconds(7),
            new HttpSoapTransportOptions(), (_, http) =>
            {
                captured = http;
                throw new InvalidOperationException("client constructor failed");
            }));

        Assert.NotNull(captured);
        Assert.Equal(TimeSpan.FromSeconds(7), captured.Timeout);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => captured.GetAsync(new Uri("https://127.0.0.1:9/")));
    }

    [Fact]
    public async Task CreateHttpsClientAsync_Success_HandsTransportAndLiveHttpClient()
    {
        using var credential = TestPki.CreateCredential(SecurityFixture.Organisation);

        var (transport, http) = await SoapClientBuilding.CreateHttpsClientAsync(
            new SegurHttpHandlerOptions { ClientCredential = credential, ServerTrust = SecurityFixture.Pki.Trust }, TimeSpan.FromSeconds(9),
            new HttpSoapTransportOptions(), (t, h) => (t, h));

        using (http)
        {
            Assert.NotNull(transport);
            Assert.Equal(TimeSpan.FromSeconds(9), http.Timeout);
        }
    }
}
