using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Segur.Cps.Tls;

/// <summary>
/// An OpenSSL RSA key whose private operation is done by a managed signer — the card, through the SDK's own APDUs
/// (MSE SET + INTERNAL AUTHENTICATE) — so that <see cref="System.Net.Security.SslStream"/> on Linux can sign the TLS
/// client handshake with a key that never leaves the card, without any PKCS#11 middleware. The key carries the card
/// certificate's public modulus and exponent and an <c>RSA_METHOD</c> (copied from OpenSSL's default) whose
/// <c>rsa_priv_enc</c> calls back into managed code. OpenSSL treats such a key as "foreign" and keeps the legacy path
/// that calls the method. Only PKCS#1 v1.5 signatures of a DigestInfo are possible (what the card computes): raw RSA
/// (used for RSA-PSS) and decryption fail, so the handshake must leave RSA-PSS out (see
/// <see cref="Segur.Security.ITlsClientCertificateSource.SignsRsaPss"/>).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static unsafe class OpenSslCardKey
{
    private const int RsaPkcs1Padding = 1;
    private const int RsaFlagExternalKey = 0x20; // RSA_FLAG_EXT_PKEY: the private key is not in the structure
    private const int ExIndexRsa = 9; // CRYPTO_EX_INDEX_RSA
    private const int LibUser = 128; // ERR_LIB_USER

    private static readonly Lazy<Native> Api = new(() => new Native());

    /// <summary>Signs a DigestInfo with the card; called synchronously from OpenSSL during the handshake.</summary>
    public delegate byte[] DigestInfoSigner(byte[] digestInfo);

    /// <summary>Told why OpenSSL's request could not be served (the TLS stack only reports a generic failure).</summary>
    public delegate void FailureReporter(SegurException failure);

    /// <summary>Creates the key.</summary>
    /// <param name="publicKey">The certificate's RSA public key.</param>
    /// <param name="signer">Computes the PKCS#1 v1.5 signature of a DigestInfo (the card).</param>
    /// <param name="reportFailure">Told when a request is refused before reaching the card (RSA-PSS, raw RSA).</param>
    /// <returns>An <see cref="RSAOpenSsl"/> usable with <c>X509Certificate2.CopyWithPrivateKey</c>.</returns>
    /// <exception cref="SegurCardException">OpenSSL's RSA method API is not available (<see cref="CpsErrorCodes.TlsKeyUnavailable"/>).</exception>
    public static RSA Create(RSAParameters publicKey, DigestInfoSigner signer, FailureReporter reportFailure)
    {
        var api = Api.Value;
        if (api.Error is { } error)
        {
            throw new SegurCardException(CpsErrorCodes.TlsKeyUnavailable,
                "The card key cannot be bound to OpenSSL here (libcrypto without the RSA_METHOD API); use CpsTlsRoute.Pkcs11Engine.", rawFault: error);
        }

        var handle = GCHandle.Alloc(new Context(signer, reportFailure, publicKey.Modulus!.Length));
        var rsa = IntPtr.Zero;
        var pkey = IntPtr.Zero;
        try
        {
            rsa = api.NewRsa(publicKey, GCHandle.ToIntPtr(handle));
            handle = default; // owned by the RSA now (freed by its finish callback)
            pkey = api.WrapInEvpPKey(rsa);
            using var safe = new SafeEvpPKeyHandle(pkey, ownsHandle: true);
            pkey = IntPtr.Zero;
            return new RSAOpenSsl(safe);
        }
        finally
        {
            if (handle.IsAllocated)
            {
                handle.Free();
            }

            if (pkey != IntPtr.Zero)
            {
                api.FreePKey(pkey);
            }

            if (rsa != IntPtr.Zero)
            {
                api.FreeRsa(rsa); // the EVP_PKEY holds its own reference
            }
        }
    }

    /// <summary>What the callback needs: the signer, the failure reporter and the modulus size.</summary>
    private sealed class Context(DigestInfoSigner signer, FailureReporter reportFailure, int size)
    {
        public DigestInfoSigner Signer { get; } = signer;

        public FailureReporter ReportFailure { get; } = reportFailure;

        public int Size { get; } = size;
    }

    [UnmanagedCallersOnly]
    private static int PrivateEncrypt(int length, byte* from, byte* to, IntPtr rsa, int padding)
    {
        try
        {
            var api = Api.Value;
            if (GCHandle.FromIntPtr(api.GetContext(rsa)).Target is not Context context)
            {
                return -1;
            }

            if (padding != RsaPkcs1Padding)
            {
                const string Message = "The TLS stack asked the card for an RSA-PSS (or raw RSA) signature, which a CPS card cannot "
                    + "make: offer TLS 1.2 without the RSA-PSS signature algorithms (SegurHttpHandlerFactory does; on .NET 8 see the "
                    + "Segur.Cps README for the OpenSSL configuration).";
                context.ReportFailure(new SegurCardException(CpsErrorCodes.SignatureFailed, Message));
                api.RaiseError(Message);
                return -1;
            }

            var signature = context.Signer(new ReadOnlySpan<byte>(from, length).ToArray());
            if (signature.Length != context.Size)
            {
                api.RaiseError($"The card returned a {signature.Length}-byte signature for a {context.Size}-byte key.");
                return -1;
            }

            signature.CopyTo(new Span<byte>(to, context.Size));
            return signature.Length;
        }
        catch (Exception ex)
        {
            // Nothing may escape into OpenSSL: the reason goes to its error queue, the handshake fails.
            RaiseSafely(ex is SegurException segur ? $"{segur.ErrorCode}: {segur.Message}" : ex.Message);
            return -1;
        }
    }

    /// <summary>Puts a reason on OpenSSL's error queue; never throws (it runs inside OpenSSL callbacks).</summary>
    private static void RaiseSafely(string message)
    {
        try
        {
            Api.Value.RaiseError(message);
        }
        catch (Exception)
        {
            // The queue entry is only a help for the logs: losing it must not take the process down.
        }
    }

    [UnmanagedCallersOnly]
    private static int PrivateDecrypt(int length, byte* from, byte* to, IntPtr rsa, int padding)
    {
        RaiseSafely("The card's authentication key only signs; it does not decrypt.");
        return -1;
    }

    [UnmanagedCallersOnly]
    private static int Finish(IntPtr rsa)
    {
        try
        {
            var api = Api.Value;
            var context = api.GetContext(rsa);
            if (context != IntPtr.Zero)
            {
                GCHandle.FromIntPtr(context).Free();
                api.SetContext(rsa, IntPtr.Zero);
            }

            return api.DefaultFinish(rsa);
        }
        catch (Exception)
        {
            return 0; // never throw into OpenSSL's RSA_free
        }
    }

    /// <summary>The libcrypto functions (OpenSSL 3, or 1.1 on older systems), looked up once.</summary>
    private sealed class Native
    {
        private readonly IntPtr _method;
        private readonly int _exIndex;
        private readonly delegate* unmanaged<IntPtr, int> _defaultFinish;
        private readonly delegate* unmanaged<IntPtr, IntPtr> _rsaNewMethod;
        private readonly delegate* unmanaged<IntPtr, IntPtr, int> _rsaSetMethod;
        private readonly delegate* unmanaged<IntPtr, int, void> _rsaSetFlags;
        private readonly delegate* unmanaged<IntPtr, int, IntPtr, int> _rsaSetExData;
        private readonly delegate* unmanaged<IntPtr, int, IntPtr> _rsaGetExData;
        private readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, int> _rsaSet0Key;
        private readonly delegate* unmanaged<IntPtr, void> _rsaFree;
        private readonly delegate* unmanaged<byte*, int, IntPtr, IntPtr> _bnBin2Bn;
        private readonly delegate* unmanaged<IntPtr, void> _bnFree;
        private readonly delegate* unmanaged<IntPtr> _pkeyNew;
        private readonly delegate* unmanaged<IntPtr, IntPtr, int> _pkeySet1Rsa;
        private readonly delegate* unmanaged<IntPtr, void> _pkeyFree;
        private readonly delegate* unmanaged<void> _errNew;
        private readonly delegate* unmanaged<byte*, int, byte*, void> _errSetDebug;
        private readonly delegate* unmanaged<int, int, byte*, void> _errSetError;
        private readonly delegate* unmanaged<byte*, byte*, void> _errAddErrorText;

        public Native()
        {
            if (!TryLoad(out var library))
            {
                Error = "libcrypto.so.3 / libcrypto.so.1.1 not found";
                return;
            }

            try
            {
                IntPtr Get(string name) => NativeLibrary.GetExport(library, name);
                var dup = (delegate* unmanaged<IntPtr, IntPtr>)Get("RSA_meth_dup");
                var defaultMethod = ((delegate* unmanaged<IntPtr>)Get("RSA_PKCS1_OpenSSL"))();
                _defaultFinish = ((delegate* unmanaged<IntPtr, delegate* unmanaged<IntPtr, int>>)Get("RSA_meth_get_finish"))(defaultMethod);
                _method = dup(defaultMethod);
                ((delegate* unmanaged<IntPtr, delegate* unmanaged<int, byte*, byte*, IntPtr, int, int>, int>)Get("RSA_meth_set_priv_enc"))(_method, &PrivateEncrypt);
                ((delegate* unmanaged<IntPtr, delegate* unmanaged<int, byte*, byte*, IntPtr, int, int>, int>)Get("RSA_meth_set_priv_dec"))(_method, &PrivateDecrypt);
                ((delegate* unmanaged<IntPtr, delegate* unmanaged<IntPtr, int>, int>)Get("RSA_meth_set_finish"))(_method, &Finish);
                var getFlags = (delegate* unmanaged<IntPtr, int>)Get("RSA_meth_get_flags");
                ((delegate* unmanaged<IntPtr, int, int>)Get("RSA_meth_set_flags"))(_method, getFlags(_method) | RsaFlagExternalKey);
                fixed (byte* name = "Segur CPS card key\0"u8)
                {
                    ((delegate* unmanaged<IntPtr, byte*, int>)Get("RSA_meth_set1_name"))(_method, name);
                }

                _exIndex = ((delegate* unmanaged<int, long, IntPtr, IntPtr, IntPtr, IntPtr, int>)Get("CRYPTO_get_ex_new_index"))(ExIndexRsa, 0, 0, 0, 0, 0);
                _rsaNewMethod = (delegate* unmanaged<IntPtr, IntPtr>)Get("RSA_new_method");
                _rsaSetMethod = (delegate* unmanaged<IntPtr, IntPtr, int>)Get("RSA_set_method");
                _rsaSetFlags = (delegate* unmanaged<IntPtr, int, void>)Get("RSA_set_flags");
                _rsaSetExData = (delegate* unmanaged<IntPtr, int, IntPtr, int>)Get("RSA_set_ex_data");
                _rsaGetExData = (delegate* unmanaged<IntPtr, int, IntPtr>)Get("RSA_get_ex_data");
                _rsaSet0Key = (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, int>)Get("RSA_set0_key");
                _rsaFree = (delegate* unmanaged<IntPtr, void>)Get("RSA_free");
                _bnBin2Bn = (delegate* unmanaged<byte*, int, IntPtr, IntPtr>)Get("BN_bin2bn");
                _bnFree = (delegate* unmanaged<IntPtr, void>)Get("BN_free");
                _pkeyNew = (delegate* unmanaged<IntPtr>)Get("EVP_PKEY_new");
                _pkeySet1Rsa = (delegate* unmanaged<IntPtr, IntPtr, int>)Get("EVP_PKEY_set1_RSA");
                _pkeyFree = (delegate* unmanaged<IntPtr, void>)Get("EVP_PKEY_free");
                if (NativeLibrary.TryGetExport(library, "ERR_new", out var errNew))
                {
                    // OpenSSL 3: ERR_raise is ERR_new + ERR_set_debug + ERR_set_error; the text is appended.
                    _errNew = (delegate* unmanaged<void>)errNew;
                    _errSetDebug = (delegate* unmanaged<byte*, int, byte*, void>)Get("ERR_set_debug");
                    _errSetError = (delegate* unmanaged<int, int, byte*, void>)Get("ERR_set_error");
                    _errAddErrorText = (delegate* unmanaged<byte*, byte*, void>)Get("ERR_add_error_txt");
                }

                if (_method == IntPtr.Zero || _exIndex < 0)
                {
                    Error = "RSA_meth_dup or CRYPTO_get_ex_new_index failed";
                }
            }
            catch (EntryPointNotFoundException ex)
            {
                Error = ex.Message;
            }
        }

        /// <summary>Why the API cannot be used, or null.</summary>
        public string? Error { get; }

        public IntPtr NewRsa(RSAParameters publicKey, IntPtr context)
        {
            var rsa = _rsaNewMethod(IntPtr.Zero);
            if (rsa == IntPtr.Zero)
            {
                throw Failure("RSA_new_method");
            }

            var n = BigNumber(publicKey.Modulus!);
            var e = BigNumber(publicKey.Exponent!);
            if (_rsaSet0Key(rsa, n, e, IntPtr.Zero) != 1)
            {
                _bnFree(n);
                _bnFree(e);
                _rsaFree(rsa);
                throw Failure("RSA_set0_key");
            }

            // The managed context first (the method's finish callback frees it), then the card method.
            if (_rsaSetExData(rsa, _exIndex, context) != 1 || _rsaSetMethod(rsa, _method) != 1)
            {
                _rsaFree(rsa);
                throw Failure("RSA_set_method");
            }

            // RSA_set_method does not copy the method's flags to the key: mark the private key as external here too.
            _rsaSetFlags(rsa, RsaFlagExternalKey);

            return rsa;
        }

        public IntPtr WrapInEvpPKey(IntPtr rsa)
        {
            var pkey = _pkeyNew();
            if (pkey == IntPtr.Zero || _pkeySet1Rsa(pkey, rsa) != 1)
            {
                if (pkey != IntPtr.Zero)
                {
                    _pkeyFree(pkey);
                }

                throw Failure("EVP_PKEY_set1_RSA");
            }

            return pkey;
        }

        public void FreeRsa(IntPtr rsa) => _rsaFree(rsa);

        public void FreePKey(IntPtr pkey) => _pkeyFree(pkey);

        public IntPtr GetContext(IntPtr rsa) => _rsaGetExData(rsa, _exIndex);

        public void SetContext(IntPtr rsa, IntPtr value) => _rsaSetExData(rsa, _exIndex, value);

        public int DefaultFinish(IntPtr rsa) => _defaultFinish is null ? 1 : _defaultFinish(rsa);

        /// <summary>Puts <paramref name="message"/> on OpenSSL's error queue, for OpenSSL's own error reports (.NET's
        /// handshake exception shows only the last entry, which is libssl's).</summary>
        public void RaiseError(string message)
        {
            if (_errNew is null)
            {
                return;
            }

            var text = System.Text.Encoding.UTF8.GetBytes("Segur.Cps: " + message + "\0");
            fixed (byte* file = "OpenSslCardKey.cs\0"u8)
            fixed (byte* function = "PrivateEncrypt\0"u8)
            fixed (byte* data = text)
            {
                _errNew();
                _errSetDebug(file, 0, function);
                _errSetError(LibUser, 1, null);
                _errAddErrorText(null, data);
            }
        }

        private IntPtr BigNumber(byte[] bigEndian)
        {
            fixed (byte* pointer = bigEndian)
            {
                var bn = _bnBin2Bn(pointer, bigEndian.Length, IntPtr.Zero);
                return bn != IntPtr.Zero ? bn : throw Failure("BN_bin2bn");
            }
        }

        private static SegurCardException Failure(string function) =>
            new(CpsErrorCodes.TlsKeyUnavailable, $"OpenSSL refused to build the card key ({function}).");

        private static bool TryLoad(out IntPtr library)
        {
            foreach (var name in (string[])["libcrypto.so.3", "libcrypto.so.1.1"])
            {
                if (NativeLibrary.TryLoad(name, out library))
                {
                    return true;
                }
            }

            library = IntPtr.Zero;
            return false;
        }
    }
}
