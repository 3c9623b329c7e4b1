import { createContext, useContext, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Trans, useTranslation } from 'react-i18next';
import { terms } from './en/terms';
import { i18n } from './index';

/** The terms the window teaches: the keys of the `terms` namespace, `tooltip` aside. */
export type TermName = Exclude<keyof typeof terms, 'tooltip'>;

/**
 * A term of the trade taught where it appears: hover or keyboard focus shows a one-sentence
 * explanation (in Chinese with the English name, the word virsh and QEMU's documentation use:
 * 增量镜像（overlay）：……).
 *
 *   <Term name="overlay" />                       the term's name in the window's language
 *   <Term name="overlay">overlays</Term>          the words as the sentence has them, explained
 *   <Trans t={t} i18nKey="forest.empty" components={{ overlay: <Term name="overlay" /> }} />
 *                                                 inside a catalogue sentence: "… the <overlay>overlays</overlay> …"
 *
 * The term is focusable (tabIndex 0) and described by the tooltip (aria-describedby), which
 * is always in the document (hidden until shown) so that a screen reader reads it on focus.
 * The tooltip is drawn in a portal with fixed coordinates: a graph node or the sidebar clips
 * what overflows it, and React Flow's transformed viewport would carry a fixed child with it.
 * The English name carries lang="en": it is English on purpose in a Chinese window.
 *
 * Inside a graph (<InGraph>, around a React Flow) a term is taught on hover only: the node itself is
 * the focusable thing there (Enter selects it, the inspector then teaches the same words),
 * and a forest of thousands of nodes must not carry a hidden tooltip for each.
 */
export function Term({ name, children }: { name: TermName; children?: ReactNode }) {
  const { t } = useTranslation('terms');
  const inNode = useContext(GraphNode);
  const id = useId();
  const anchor = useRef<HTMLSpanElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);
  const tip = useRef<HTMLSpanElement>(null);

  const show = (): void => {
    const box = anchor.current?.getBoundingClientRect();
    if (box) setPlace({ left: box.left, top: box.bottom + 6 });
  };
  const hide = (): void => setPlace(null);
  // Once drawn, keep the tooltip inside the window: shift it left, or above the term at the bottom edge.
  useLayoutEffect(() => {
    const element = tip.current;
    const box = anchor.current?.getBoundingClientRect();
    if (!place || !element || !box) return;
    const drawn = element.getBoundingClientRect();
    const left = Math.max(4, Math.min(place.left, window.innerWidth - drawn.width - 4));
    const top = place.top + drawn.height > window.innerHeight - 4 ? Math.max(4, box.top - drawn.height - 6) : place.top;
    if (left !== place.left || top !== place.top) setPlace({ left, top });
  }, [place]);

  return (
    <span
      ref={anchor}
      className="term"
      {...(inNode ? {} : { tabIndex: 0, 'aria-describedby': id, onFocus: show, onBlur: hide })}
      onMouseEnter={show}
      onMouseLeave={hide}
      onKeyDown={(event) => event.key === 'Escape' && hide()}
    >
      {children ?? t(`${name}.name`)}
      {(!inNode || place !== null) &&
        createPortal(
        <span ref={tip} id={id} role="tooltip" className="term-tip" hidden={place === null} style={place ?? undefined}>
          <Trans
            t={t}
            i18nKey="tooltip"
            values={{ name: t(`${name}.name`), english: i18n.getFixedT('en', 'terms')(`${name}.name`), explanation: t(`${name}.explanation`) }}
            components={{ name: <b />, english: <span lang="en" /> }}
          />
        </span>,
        document.body,
      )}
    </span>
  );
}

const GraphNode = createContext(false);

/** Marks a graph: the terms in its nodes are taught on hover only (see Term). */
export function InGraph({ children }: { children: ReactNode }) {
  return <GraphNode.Provider value={true}>{children}</GraphNode.Provider>;
}
