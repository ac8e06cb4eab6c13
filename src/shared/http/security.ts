/**
 * Security headers. The Content-Security-Policy allows only our own origin: no inline scripts or
 * styles, no CDNs, and no framing of our pages by other sites (clickjacking).
 */
import helmet from 'helmet';

export function securityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Older browsers read X-Frame-Options instead of frame-ancestors.
    frameguard: { action: 'deny' },
    // Survey pages may be opened from e-mail links; keep the referrer to our own origin only.
    referrerPolicy: { policy: 'same-origin' },
  });
}
