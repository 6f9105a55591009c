import { PNG } from 'pngjs';

/**
 * The app's two icons, drawn in code so they are ours and reproducible: a shield split down
 * the middle, AWS's half and yours. Teams wants a 192x192 colour icon and a 32x32 outline icon
 * that is white on a transparent background.
 */

type Rgba = [number, number, number, number];

const NAVY: Rgba = [0x23, 0x2f, 0x3e, 255];
const ORANGE: Rgba = [0xff, 0x99, 0x00, 255];
const BLUE: Rgba = [0x2e, 0x86, 0xde, 255];
const WHITE: Rgba = [255, 255, 255, 255];

/** Half-width of the shield at height v (0 top .. 1 bottom), in units of the icon's width; 0 outside. */
function shieldHalfWidth(v: number, scale: number): number {
  const top = 0.5 - 0.42 * scale;
  const shoulder = 0.5 - 0.02 * scale;
  const tip = 0.5 + 0.44 * scale;
  const w = 0.34 * scale;
  if (v < top || v > tip) return 0;
  if (v <= shoulder) return w;
  const t = (v - shoulder) / (tip - shoulder);
  return w * Math.sqrt(Math.max(0, 1 - t * t));
}

/** Supersampled coverage, so edges are smooth at 32 px. */
function render(size: number, shade: (u: number, v: number) => Rgba | undefined, background: Rgba | undefined): Buffer {
  const png = new PNG({ width: size, height: size });
  const samples = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (x + (sx + 0.5) / samples) / size;
          const v = (y + (sy + 0.5) / samples) / size;
          const c = shade(u, v) ?? background;
          if (!c) continue;
          const alpha = c[3] / 255;
          r += c[0] * alpha;
          g += c[1] * alpha;
          b += c[2] * alpha;
          a += alpha;
        }
      }
      const i = (y * size + x) * 4;
      const n = samples * samples;
      png.data[i] = a ? Math.round(r / a) : 0;
      png.data[i + 1] = a ? Math.round(g / a) : 0;
      png.data[i + 2] = a ? Math.round(b / a) : 0;
      png.data[i + 3] = Math.round((a / n) * 255);
    }
  }
  return PNG.sync.write(png);
}

export function colorIcon(): Buffer {
  const size = 192;
  const border = 6 / size;
  return render(
    size,
    (u, v) => {
      const outer = shieldHalfWidth(v, 0.82);
      if (Math.abs(u - 0.5) > outer) return undefined;
      const inner = shieldHalfWidth(v, 0.82 - border * 2.4);
      if (Math.abs(u - 0.5) > inner) return WHITE;
      if (Math.abs(u - 0.5) < border / 2) return WHITE;
      return u < 0.5 ? ORANGE : BLUE;
    },
    NAVY,
  );
}

export function outlineIcon(): Buffer {
  const size = 32;
  const stroke = 2.2 / size;
  return render(
    size,
    (u, v) => {
      const outer = shieldHalfWidth(v, 0.9);
      if (Math.abs(u - 0.5) > outer) return undefined;
      const inner = shieldHalfWidth(v, 0.9 - stroke * 2.6);
      if (Math.abs(u - 0.5) > inner || Math.abs(u - 0.5) < stroke / 2) return WHITE;
      return undefined;
    },
    undefined,
  );
}
