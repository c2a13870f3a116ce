/** The React face of the drawing surface; the work happens in CanvasController. */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from "react";
import { CanvasController, type CanvasInputs } from "./canvasController";

export interface CanvasHandle {
  zoomBy(factor: number): void;
  fit(): void;
  /** Offer a key to the active tool; true when it used it. */
  key(key: string): boolean;
}

interface Props extends CanvasInputs {
  imageUrl: string;
  description: string;
}

export const CanvasView = forwardRef<CanvasHandle, Props>(function CanvasView({ imageUrl, description, ...inputs }, ref) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [controller] = useState(() => new CanvasController(inputs));

  useEffect(() => controller.update(inputs));

  useEffect(() => {
    controller.attach(canvas.current!);
    return () => controller.detach();
  }, [controller]);

  useEffect(() => {
    const img = new Image();
    img.onload = () => controller.setImage(img);
    img.src = imageUrl;
    return () => {
      img.onload = null;
    };
  }, [controller, imageUrl]);

  useImperativeHandle(ref, () => ({
    zoomBy: (f: number) => controller.zoomBy(f),
    fit: () => controller.fit(),
    key: (k: string) => controller.key(k),
  }), [controller]);

  return (
    <div className="canvas-box">
      <canvas ref={canvas} tabIndex={0} role="img" aria-label={description} data-testid="annotation-canvas"
              style={{ cursor: inputs.tool.cursor }} onContextMenu={(e) => e.preventDefault()}
              onPointerDown={(e) => controller.pointerDown(e.nativeEvent)}
              onPointerMove={(e) => controller.pointerMove(e.nativeEvent)}
              onPointerUp={(e) => controller.pointerUp(e.nativeEvent)}
              onPointerCancel={(e) => controller.pointerUp(e.nativeEvent)} />
    </div>
  );
});
