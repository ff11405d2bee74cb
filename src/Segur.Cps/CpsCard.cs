using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Segur.Cps.Apdu;
using Segur.Cps.Pcsc;
using Segur.Diagnostics;

namespace Segur.Cps;

/// <summary>
/// A CPS card (CPS3, experimental CPS4): card number, certificates and holder identity without PIN, PIN status and
/// verification, and signature with the authentication key (MSE SET + INTERNAL AUTHENTICATE). Operations are
/// serialised; the PIN is never stored or logged.
/// </summary>
public sealed partial class CpsCard : IDisposable
{
    private static readonly byte[] IssuerPrefix = [0x80, 0x25, 0x00, 0x00, 0x01];

    private static readonly (byte[] Atr, byte[]? Mask, CpsCardGeneration Generation)[] KnownAtrs =
    [
        (Convert.FromHexString("3B8F80010031B86404B0ECC1739401808290000E"), null, CpsCardGeneration.Cps3Contactless),
        (Convert.FromHexString("3B9B188001001225006480040100009044"), null, CpsCardGeneration.Cps4),
        (Convert.FromHexString("3B9B188001001225006480000401009044"), null, CpsCardGeneration.Cps4),
        (Convert.FromHexString("3BDC18FF00001225006480000401009000"), null, CpsCardGeneration.Cps4),

        // Exact ATRs first: the CPS4 T=0 ATR also matches the CPS3 mask.
        (Convert.FromHexString("3BAC00402A001225006480000310009000"), Convert.FromHexString("FF00000000FFFFFFFFFFFF000000FFFFFF"), CpsCardGeneration.Cps3),
    ];

    private readonly ApduChannel _channel;
    private readonly CpsCardOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly IDisposable? _owned;
    private X509Certificate2? _authCertificate;
    private string? _cardNumber;

    private CpsCard(ICardReader reader, CpsCardOptions options, IDisposable? owned)
    {
        _options = options;
        _owned = owned;
        _channel = new ApduChannel(reader) { MaxGetResponseLength = options.MaxReadLength };
        _logger = options.LoggerFactory.CreateLogger("Segur.Cps.CpsCard");
        Generation = RecognizeAtr(reader.Atr.Span);
    }

    /// <summary>The card connection.</summary>
    public ICardReader Reader => _channel.Reader;

    /// <summary>The generation recognised from the ATR.</summary>
    public CpsCardGeneration Generation { get; }

    /// <summary>Recognises a CPS card from its ATR (CPS3 with the OpenSC mask, CPS3 contactless and CPS4 exactly).</summary>
    /// <param name="atr">The ATR.</param>
    /// <returns>The generation, or <see cref="CpsCardGeneration.Unknown"/>.</returns>
    public static CpsCardGeneration RecognizeAtr(ReadOnlySpan<byte> atr)
    {
        foreach (var (known, mask, generation) in KnownAtrs)
        {
            if (atr.Length != known.Length)
            {
                continue;
            }

            var match = true;
            for (var i = 0; i < atr.Length && match; i++)
            {
                var m = mask?[i] ?? 0xFF;
                match = (atr[i] & m) == (known[i] & m);
            }

            if (match)
            {
                return generation;
            }
        }

        return CpsCardGeneration.Unknown;
    }

    /// <summary>Opens a CPS card over an existing connection (the caller keeps ownership of it).</summary>
    /// <param name="reader">The card connection.</param>
    /// <param name="options">Options; default: public CPS3 layout.</param>
    /// <returns>The card.</returns>
    /// <exception cref="SegurCardException">The ATR is not a CPS ATR and <see cref="CpsCardOptions.RequireKnownAtr"/> is
    /// set (<see cref="CpsErrorCodes.NotACpsCard"/>).</exception>
    public static CpsCard Open(ICardReader reader, CpsCardOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Create(reader, options ?? new CpsCardOptions(), owned: null);
    }

    /// <summary>Connects through PC/SC to the CPS card in a reader (or in the first reader holding a CPS card).</summary>
    /// <param name="readerName">The reader, or null to pick the first reader with a CPS card.</param>
    /// <param name="options">Options; default: public CPS3 layout.</param>
    /// <returns>The card; dispose it to disconnect.</returns>
    /// <exception cref="SegurCardException">PC/SC service not running, no reader, no CPS card.</exception>
    /// <exception cref="CardNotPresentException">The named reader holds no card.</exception>
    public static CpsCard Connect(string? readerName = null, CpsCardOptions? options = null)
    {
        options ??= new CpsCardOptions();
        var context = SmartCardContext.Establish();
        try
        {
            if (readerName is null)
            {
                var states = context.GetReaderStates();
                if (states.Count == 0)
                {
                    throw new SegurCardException(CpsErrorCodes.NoReaders, "No card reader is connected.", isTransient: true);
                }

                var withCard = states.Where(s => s.CardPresent).ToList();
                readerName = withCard.FirstOrDefault(s => RecognizeAtr(s.Atr.Span) != CpsCardGeneration.Unknown)?.ReaderName
                    ?? withCard.FirstOrDefault()?.ReaderName
                    ?? throw new CardNotPresentException(CpsErrorCodes.CardNotPresent, "No card in any reader; insert the CPS card.");
            }

            var connection = context.Connect(readerName);
            try
            {
                return Create(connection, options, new Owned(connection, context));
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    private static CpsCard Create(ICardReader reader, CpsCardOptions options, IDisposable? owned)
    {
        var card = new CpsCard(reader, options, owned);
        if (card.Generation == CpsCardGeneration.Unknown && options.RequireKnownAtr)
        {
            throw new SegurCardException(CpsErrorCodes.NotACpsCard, $"The card in '{reader.ReaderName}' is not a CPS card (ATR {Convert.ToHexString(reader.Atr.Span)}).");
        }

        if (card._logger.IsEnabled(LogLevel.Debug))
        {
            var atrHex = Convert.ToHexString(reader.Atr.Span);
            Log.Opened(card._logger, reader.ReaderName, card.Generation, atrHex);
        }
        return card;
    }

    /// <summary>Reads the card number from EF.SN.ICC and checks the ANS issuer prefix.</summary>
    /// <param name="cancellationToken">Cancels between APDUs.</param>
    /// <returns>The card number.</returns>
    /// <exception cref="SegurCardException">Not a CPS card (<see cref="CpsErrorCodes.NotACpsCard"/>), card removed.</exception>
    public async ValueTask<string> ReadCardNumberAsync(CancellationToken cancellationToken = default)
    {
        if (_cardNumber is not null)
        {
            return _cardNumber;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = BeginTransaction();
            var file = await ReadFileAsync(_options.CardNumberPath, "EF.SN.ICC", cancellationToken).ConfigureAwait(false);
            _cardNumber = ParseCardNumber(file);
            return _cardNumber;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Extracts the card number from EF.SN.ICC: <c>5A 0A</c> + PAN, PAN = <c>80 25 00 00 01</c> + number +
    /// check digit and <c>F</c> pad.</summary>
    /// <param name="file">The file content.</param>
    /// <returns>The card number digits.</returns>
    /// <exception cref="SegurCardException">Wrong tag, length or issuer (<see cref="CpsErrorCodes.NotACpsCard"/>).</exception>
    internal static string ParseCardNumber(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || file[0] != 0x5A || file[1] != 0x0A || !file.Slice(2, 5).SequenceEqual(IssuerPrefix))
        {
            throw new SegurCardException(CpsErrorCodes.NotACpsCard, "EF.SN.ICC does not carry the ANS issuer number: not a CPS card.");
        }

        return Convert.ToHexString(file.Slice(7, 4));
    }

    /// <summary>Reads the authentication certificate (no PIN needed). The card keeps it: do not dispose it.</summary>
    /// <param name="cancellationToken">Cancels between APDUs.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="SegurCardException">File not found (see <see cref="CpsCardOptions.AuthenticationCertificatePath"/>), card removed.</exception>
    /// <exception cref="SegurValidationException">The file is not a certificate (<see cref="CpsErrorCodes.CertificateInvalid"/>).</exception>
    public async ValueTask<X509Certificate2> ReadAuthenticationCertificateAsync(CancellationToken cancellationToken = default)
    {
        if (_authCertificate is not null)
        {
            return _authCertificate;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = BeginTransaction();
            _authCertificate ??= await ReadCertificateByRoleAsync(signature: false, cancellationToken).ConfigureAwait(false);
            return _authCertificate;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Reads the signature (non-repudiation) certificate. The caller owns the result.</summary>
    /// <param name="cancellationToken">Cancels between APDUs.</param>
    /// <returns>The certificate.</returns>
    /// <exception cref="SegurCardException">File not found (see <see cref="CpsCardOptions.SignatureCertificatePath"/>), card removed.</exception>
    public async ValueTask<X509Certificate2> ReadSignatureCertificateAsync(CancellationToken cancellationToken = default)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = BeginTransaction();
            return await ReadCertificateByRoleAsync(signature: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Reads the card number and the authentication certificate and parses the holder.</summary>
    /// <param name="cancellationToken">Cancels between APDUs.</param>
    /// <returns>The card and holder information.</returns>
    /// <exception cref="SegurCardException">Not a CPS card, file not found, card removed.</exception>
    public async ValueTask<CpsCardInfo> ReadInfoAsync(CancellationToken cancellationToken = default)
    {
        var number = await ReadCardNumberAsync(cancellationToken).ConfigureAwait(false);
        var certificate = await ReadAuthenticationCertificateAsync(cancellationToken).ConfigureAwait(false);
        var (id, kind, last, first, profession, type) = CpsIdentity.Parse(certificate);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var shownId = Sensitive.Mask(id, _options.EnableSensitiveDataLogging);
            Log.HolderRead(_logger, shownId, type);
        }
        return new CpsCardInfo
        {
            CardNumber = number,
            Generation = Generation,
            CardType = type,
            NationalId = id,
            NationalIdKind = kind,
            LastName = last,
            FirstName = first,
            Profession = profession,
            CertificateSubject = certificate.Subject,
            CertificateIssuer = certificate.Issuer,
            NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
        };
    }

    /// <summary>Reads the PIN tries counter without presenting the PIN.</summary>
    /// <param name="cancellationToken">Cancels between APDUs.</param>
    /// <returns>The PIN status.</returns>
    /// <exception cref="SegurCardException">Contactless card, card removed, unexpected answer.</exception>
    public async ValueTask<CpsPinStatus> GetPinStatusAsync(CancellationToken cancellationToken = default)
    {
        EnsureContact();
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var transaction = BeginTransaction();
            if (Generation == CpsCardGeneration.Cps4)
            {
                // CPS4: VERIFY without data answers 63 Cx / 69 83 / 90 00.
                var r = await _channel.TransmitAsync(new CommandApdu(0x00, 0x20, 0x00, _options.PinReference), cancellationToken).ConfigureAwait(false);
                return r.StatusWord.Value switch
                {
                    0x6983 => new CpsPinStatus(0, null, true),
                    0x9000 => new CpsPinStatus(null, null, false),
                    _ when r.StatusWord.RemainingTries is { } left => new CpsPinStatus(left, null, left == 0),
                    _ => throw Unexpected("PIN status", r.StatusWord),
                };
            }

            await SelectMasterFileAsync(cancellationToken).ConfigureAwait(false);
            byte[] query = [0x4D, 0x08, 0x70, 0x06, 0xBF, 0x81, _options.PinSdoReference, 0x02, 0xA0, 0x80];
            var response = (await _channel.TransmitAsync(new CommandApdu(0x00, 0xCB, 0x3F, 0xFF, query, ne: 256), cancellationToken).ConfigureAwait(false))
                .EnsureSuccess("PIN tries counter (GET DATA)");
            var max = FindByteTag(response.Data.Span, 0x9A);
            var left2 = FindByteTag(response.Data.Span, 0x9B);
            return new CpsPinStatus(left2, max, left2 == 0);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Presents the holder's PIN. The PIN is neither stored nor logged; the APDU buffer is cleared after use.</summary>
    /// <param name="pin">The PIN digits.</param>
    /// <param name="cancellationToken">Cancels before the PIN is sent.</param>
    /// <returns>A task completing when the card accepted the PIN.</returns>
    /// <exception cref="SegurValidationException">Wrong format; nothing sent to the card (<see cref="CpsErrorCodes.PinFormat"/>).</exception>
    /// <exception cref="CpsPinException">Wrong PIN (<see cref="CpsErrorCodes.PinIncorrect"/> with the tries left) or
    /// blocked PIN (<see cref="CpsErrorCodes.PinBlocked"/>).</exception>
    /// <exception cref="SegurCardException">Contactless card, card removed.</exception>
    public async ValueTask VerifyPinAsync(ReadOnlyMemory<char> pin, CancellationToken cancellationToken = default)
    {
        EnsureContact();
        var block = BuildPinBlock(pin.Span);
        try
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var transaction = BeginTransaction();
                await SelectApplicationAsync(cancellationToken).ConfigureAwait(false);
                var response = await _channel.TransmitAsync(new CommandApdu(0x00, 0x20, 0x00, _options.PinReference, block), cancellationToken).ConfigureAwait(false);
                var sw = response.StatusWord;
                if (_logger.IsEnabled(LogLevel.Debug))
                {
                    var swText = sw.ToString();
                    Log.PinVerified(_logger, swText);
                }
                if (sw.IsSuccess)
                {
                    return;
                }

                throw PinFailure(sw);
            }
            finally
            {
                _lock.Release();
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(block);
        }
    }

    /// <summary>Signs a hash with the authentication key (<c>CPS_PRIV_AUT</c>): MSE SET, then INTERNAL AUTHENTICATE with
    /// the DigestInfo; the card pads PKCS#1 v1.5. The PIN must have been verified on this card session.</summary>
    /// <param name="hash">The hash value.</param>
    /// <param name="hashAlgorithm">SHA-256 (normal), SHA-384 or SHA-512.</param>
    /// <param name="cancellationToken">Cancels between APDUs.</param>
    /// <returns>The RSA PKCS#1 v1.5 signature.</returns>
    /// <exception cref="CpsPinException">The PIN was not verified (<see cref="CpsErrorCodes.PinRequired"/>) or is blocked.</exception>
    /// <exception cref="SegurCardException">Contactless card, card removed, signature refused (<see cref="CpsErrorCodes.SignatureFailed"/>).</exception>
    public async ValueTask<byte[]> SignHashAsync(ReadOnlyMemory<byte> hash, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken = default)
    {
        EnsureContact();
        var digestInfo = DigestInfo.Encode(hash.Span, hashAlgorithm);
        return await SignAsync("CpsCard.Sign", 0xA4, _options.AuthenticationAlgorithmReference, _options.AuthenticationKeyReference, async token =>
        {
            var response = await _channel.TransmitAsync(new CommandApdu(0x00, 0x88, 0x00, 0x00, digestInfo, ne: 256), token).ConfigureAwait(false);
            return response.StatusWord.IsSuccess ? response.Data.ToArray() : throw SignFailure(response.StatusWord, "INTERNAL AUTHENTICATE");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs data with the signature (non-repudiation) key <c>CPS_PRIV_SIG</c>, as INSi and DMP VIHF signatures
    /// need: SHA-256 split between host and card (the card does the last hash step), MSE SET <c>B6</c> with key
    /// <see cref="CpsCardOptions.SignatureKeyReference"/>, PSO HASH (<c>2A 90 A0</c>: intermediate state and bit count in
    /// tag <c>90</c>, last 1–64 bytes in tag <c>80</c>), then PSO COMPUTE DIGITAL SIGNATURE (<c>2A 9E 9A</c>). The PIN
    /// must have been verified on this card session.</summary>
    /// <param name="data">The data to sign.</param>
    /// <param name="cancellationToken">Cancels between APDUs.</param>
    /// <returns>The RSA PKCS#1 v1.5 signature of SHA-256(<paramref name="data"/>), verifiable with the signature certificate.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> is empty.</exception>
    /// <exception cref="CpsPinException">The PIN was not verified (<see cref="CpsErrorCodes.PinRequired"/>) or is blocked.</exception>
    /// <exception cref="SegurCardException">Contactless card, card removed, signature refused (<see cref="CpsErrorCodes.SignatureFailed"/>).</exception>
    /// <remarks>The PSO HASH counter format (bits hashed before the last block, 8 bytes big-endian) is an assumption
    /// from public traces: check on a real card, or sign through the Cryptolib's PKCS#11 module.</remarks>
    public async ValueTask<byte[]> SignDataWithSignatureKeyAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (data.IsEmpty)
        {
            throw new ArgumentException("There is nothing to sign: PSO HASH needs at least one byte.", nameof(data));
        }

        EnsureContact();
        var (state, bits, remainder) = Sha256Partial.Split(data.Span);
        byte[] intermediate = data.Length <= 64 ? [0x90, 0x00] : [0x90, 0x28, .. state, 0, 0, 0, 0, 0, 0, 0, 0];
        if (data.Length > 64)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(intermediate.AsSpan(2 + 32), bits);
        }

        byte[] hashData = [.. intermediate, 0x80, (byte)remainder.Length, .. remainder];
        return await SignAsync("CpsCard.SignNonRepudiation", 0xB6, _options.SignatureAlgorithmReference, _options.SignatureKeyReference, async token =>
        {
            var hash = await _channel.TransmitAsync(new CommandApdu(0x00, 0x2A, 0x90, 0xA0, hashData), token).ConfigureAwait(false);
            if (!hash.StatusWord.IsSuccess)
            {
                throw SignFailure(hash.StatusWord, "PSO HASH");
            }

            var response = await _channel.TransmitAsync(new CommandApdu(0x00, 0x2A, 0x9E, 0x9A, ne: 256), token).ConfigureAwait(false);
            return response.StatusWord.IsSuccess ? response.Data.ToArray() : throw SignFailure(response.StatusWord, "PSO COMPUTE DIGITAL SIGNATURE");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One card signature: under the card lock and a PC/SC transaction, selects the IAS application, sets the
    /// security environment (<paramref name="template"/> with the key and optional algorithm), runs
    /// <paramref name="compute"/>, and counts the signature or the failure.</summary>
    private async ValueTask<byte[]> SignAsync(string activityName, byte template, byte? algorithm, byte keyReference,
        Func<CancellationToken, ValueTask<byte[]>> compute, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var activity = CpsDiagnostics.Source.StartActivity(activityName);
            using var transaction = BeginTransaction();
            await SelectApplicationAsync(cancellationToken).ConfigureAwait(false);
            await SetSecurityEnvironmentAsync(template, algorithm, keyReference, cancellationToken).ConfigureAwait(false);
            var signature = await compute(cancellationToken).ConfigureAwait(false);
            CpsDiagnostics.Signatures.Add(1);
            return signature;
        }
        catch (SegurException ex)
        {
            CpsDiagnostics.SignatureFailures.Add(1, new KeyValuePair<string, object?>(SegurDiagnostics.ErrorTypeTag, ex.ErrorCode));
            throw;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Hashes data and signs it with the authentication key (see <see cref="SignHashAsync"/>).</summary>
    /// <param name="data">The data.</param>
    /// <param name="hashAlgorithm">The hash algorithm, normally SHA-256.</param>
    /// <param name="cancellationToken">Cancels between APDUs.</param>
    /// <returns>The RSA PKCS#1 v1.5 signature.</returns>
    /// <exception cref="CpsPinException">PIN not verified or blocked.</exception>
    /// <exception cref="SegurCardException">Card removed, signature refused.</exception>
    public ValueTask<byte[]> SignDataAsync(ReadOnlyMemory<byte> data, HashAlgorithmName hashAlgorithm, CancellationToken cancellationToken = default)
    {
        var hash = DigestInfo.Hash(data.Span, hashAlgorithm);
        return SignHashAsync(hash, hashAlgorithm, cancellationToken);
    }

    /// <summary>Disconnects when this card opened the connection itself (<see cref="Connect"/>).</summary>
    public void Dispose()
    {
        _owned?.Dispose();
        _lock.Dispose();
    }

    internal byte[] BuildPinBlock(ReadOnlySpan<char> pin)
    {
        var (min, max) = (_options.PinLength.Start.Value, _options.PinLength.End.Value);
        if (pin.Length < min || pin.Length > max || pin.Length > _options.PinBlockLength)
        {
            throw new SegurValidationException(CpsErrorCodes.PinFormat, $"The PIN must have {min} to {max} digits; nothing was sent to the card.") { Field = "pin" };
        }

        var block = new byte[_options.PinBlockLength];
        block.AsSpan().Fill(_options.PinPadding);
        for (var i = 0; i < pin.Length; i++)
        {
            if (!char.IsAsciiDigit(pin[i]))
            {
                CryptographicOperations.ZeroMemory(block);
                throw new SegurValidationException(CpsErrorCodes.PinFormat, "The PIN must hold digits only; nothing was sent to the card.") { Field = "pin" };
            }

            block[i] = (byte)pin[i];
        }

        return block;
    }

    private static CpsPinException PinFailure(StatusWord sw) => sw.Value switch
    {
        0x6983 or 0x9840 => new CpsPinException(CpsErrorCodes.PinBlocked, "The PIN is blocked; unblock the card with its unblock code (PUK).", 0, sw.ToString()),
        _ when sw.RemainingTries is 0 => new CpsPinException(CpsErrorCodes.PinBlocked, "Wrong PIN; the PIN is now blocked.", 0, sw.ToString()),
        _ when sw.RemainingTries is { } left => new CpsPinException(CpsErrorCodes.PinIncorrect, $"Wrong PIN; {left} tr{(left == 1 ? "y" : "ies")} left.", left, sw.ToString()),
        0x9802 or 0x9808 => new CpsPinException(CpsErrorCodes.PinBlocked, "The PIN is not activated or was invalidated.", null, sw.ToString()),
        _ => new CpsPinException(CpsErrorCodes.PinIncorrect, $"The card refused the PIN (SW {sw}).", null, sw.ToString()),
    };

    private static SegurException SignFailure(StatusWord sw, string step) => sw.Value switch
    {
        0x6982 => new CpsPinException(CpsErrorCodes.PinRequired, "Signing needs the PIN: call VerifyPinAsync first (the card was maybe reset or powered off since).", null, sw.ToString()),
        0x6983 => new CpsPinException(CpsErrorCodes.PinBlocked, "The PIN is blocked.", 0, sw.ToString()),
        _ => new SegurCardException(CpsErrorCodes.SignatureFailed, $"The card refused the signature at {step} (SW {sw}).", rawFault: sw.ToString()),
    };

    private static SegurCardException Unexpected(string what, StatusWord sw) =>
        new(CpsErrorCodes.ApduUnexpectedStatus, $"{what}: the card answered SW {sw}.", rawFault: sw.ToString());

    /// <summary>The one-byte value of a primitive BER-TLV <paramref name="tag"/> anywhere in <paramref name="data"/>
    /// (constructed tags such as <c>70</c>, <c>BF81 01</c>, <c>A0</c>, <c>A1</c> are walked into); null when absent or
    /// when the data is not well-formed BER.</summary>
    internal static int? FindByteTag(ReadOnlySpan<byte> data, byte tag)
    {
        try
        {
            return FindByteTag(data, System.Formats.Asn1.Asn1Tag.Decode([tag], out _));
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            return null;
        }
    }

    private static int? FindByteTag(ReadOnlySpan<byte> data, System.Formats.Asn1.Asn1Tag target)
    {
        while (!data.IsEmpty)
        {
            var tag = System.Formats.Asn1.Asn1Tag.Decode(data, out _);
            System.Formats.Asn1.AsnDecoder.ReadEncodedValue(data, System.Formats.Asn1.AsnEncodingRules.BER, out var offset, out var length, out var consumed);
            var value = data.Slice(offset, length);
            if (tag.IsConstructed)
            {
                if (FindByteTag(value, target) is { } found)
                {
                    return found;
                }
            }
            else if (tag == target && length == 1)
            {
                return value[0];
            }

            data = data[consumed..];
        }

        return null;
    }

    private void EnsureContact()
    {
        if (Generation == CpsCardGeneration.Cps3Contactless)
        {
            throw new SegurCardException(CpsErrorCodes.ContactlessNotSupported, "The card is read contactless: no PIN and no signature; insert it in a contact reader.");
        }
    }

    private IDisposable? BeginTransaction() => Reader is SmartCardConnection connection ? connection.BeginTransaction() : null;

    private async ValueTask SelectMasterFileAsync(CancellationToken cancellationToken) =>
        (await _channel.TransmitAsync(new CommandApdu(0x00, 0xA4, 0x00, 0x0C, new byte[] { 0x3F, 0x00 }), cancellationToken).ConfigureAwait(false))
            .EnsureSuccess("SELECT MF");

    /// <summary>MSE SET (<c>00 22 41 &lt;template&gt;</c>) with an optional algorithm reference (tag 80) and the key (tag 84).</summary>
    private async ValueTask SetSecurityEnvironmentAsync(byte template, byte? algorithm, byte keyReference, CancellationToken cancellationToken)
    {
        byte[] data = algorithm is { } alg ? [0x80, 0x01, alg, 0x84, 0x01, keyReference] : [0x84, 0x01, keyReference];
        var set = await _channel.TransmitAsync(new CommandApdu(0x00, 0x22, 0x41, template, data), cancellationToken).ConfigureAwait(false);
        if (!set.StatusWord.IsSuccess)
        {
            throw SignFailure(set.StatusWord, "MSE SET");
        }
    }

    private async ValueTask SelectApplicationAsync(CancellationToken cancellationToken) =>
        (await _channel.TransmitAsync(new CommandApdu(0x00, 0xA4, 0x04, 0x0C, _options.IasApplicationId), cancellationToken).ConfigureAwait(false))
            .EnsureSuccess("SELECT IAS application");

    private async ValueTask<X509Certificate2> ReadCertificateAsync(ReadOnlyMemory<byte> path, string what, CancellationToken cancellationToken)
    {
        var bytes = await ReadFileAsync(path, what, cancellationToken).ConfigureAwait(false);
        try
        {
            // Files are often padded after the DER certificate: take exactly the outer SEQUENCE.
            var reader = new System.Formats.Asn1.AsnReader(bytes, System.Formats.Asn1.AsnEncodingRules.DER);
            var der = reader.ReadEncodedValue();
#if NET9_0_OR_GREATER
            return X509CertificateLoader.LoadCertificate(der.Span);
#else
            return new X509Certificate2(der.ToArray());
#endif
        }
        catch (Exception ex) when (ex is CryptographicException or System.Formats.Asn1.AsnContentException)
        {
            throw new SegurValidationException(CpsErrorCodes.CertificateInvalid, $"The {what} on the card is not a valid X.509 certificate.", innerException: ex) { Field = what };
        }
    }

    private async ValueTask<byte[]> ReadFileAsync(ReadOnlyMemory<byte> path, string what, CancellationToken cancellationToken)
    {
        await SelectMasterFileAsync(cancellationToken).ConfigureAwait(false);
        var select = await _channel.TransmitAsync(new CommandApdu(0x00, 0xA4, 0x09, 0x04, path, ne: 256), cancellationToken).ConfigureAwait(false);
        select.EnsureSuccess($"SELECT {what}");
        var size = FcpFileSize(select.Data.Span);
        var content = new List<byte>(size ?? 2048);
        while (size is null || content.Count < size)
        {
            var offset = content.Count;
            if (offset > 0x7FFF)
            {
                break;
            }

            var want = size is { } s ? Math.Min(s - offset, _options.MaxReadLength) : _options.MaxReadLength;
            var read = await _channel.TransmitAsync(new CommandApdu(0x00, 0xB0, (byte)(offset >> 8), (byte)offset, ne: want), cancellationToken).ConfigureAwait(false);
            if (read.StatusWord.Value is 0x6B00 or 0x6282 && size is null)
            {
                content.AddRange(read.Data.Span);
                break;
            }

            read.EnsureSuccess($"READ BINARY {what}");
            if (read.Data.Length == 0)
            {
                break;
            }

            content.AddRange(read.Data.Span);
        }

        return content.ToArray();
    }

    /// <summary>Reads the file size from an FCP template (<c>62 … 80 02 size</c> or <c>81</c>).</summary>
    internal static int? FcpFileSize(ReadOnlySpan<byte> fcp)
    {
        if (fcp.Length < 2 || fcp[0] != 0x62)
        {
            return null;
        }

        var end = Math.Min(fcp.Length, 2 + fcp[1]);
        for (var i = 2; i + 1 < end;)
        {
            var tag = fcp[i];
            var len = fcp[i + 1];
            if (i + 2 + len > end)
            {
                return null;
            }

            if (tag is 0x80 or 0x81 && len is >= 1 and <= 3)
            {
                var size = 0;
                for (var k = 0; k < len; k++)
                {
                    size = (size << 8) | fcp[i + 2 + k];
                }

                return size;
            }

            i += 2 + len;
        }

        return null;
    }

    private sealed class Owned(SmartCardConnection connection, SmartCardContext context) : IDisposable
    {
        public void Dispose()
        {
            connection.Dispose();
            context.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "CPS card opened in {Reader}: {Generation}, ATR {Atr}")]
        public static partial void Opened(ILogger logger, string reader, CpsCardGeneration generation, string atr);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "CPS holder {NationalId} read ({CardType})")]
        public static partial void HolderRead(ILogger logger, string nationalId, CpxCardType cardType);

        [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "PIN presented, card answered SW {StatusWord}")]
        public static partial void PinVerified(ILogger logger, string statusWord);
    }
}
