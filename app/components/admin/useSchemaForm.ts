import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { fieldErrors, formObject, type FieldErrors } from "./schemas";

/**
 * Checks a form against its zod schema in the browser before it is sent; a bad form is not sent and
 * shows the same error codes the action would answer with. Without JavaScript the action checks alone.
 */
export function useSchemaForm(schema: z.ZodType, serverErrors?: FieldErrors | null) {
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLElement | null;
    const form = new FormData(event.currentTarget, submitter);
    const result = schema.safeParse(formObject(form));
    if (result.success) {
      setClientErrors(null);
    } else {
      event.preventDefault();
      setClientErrors(fieldErrors(result.error));
    }
  };
  return { onSubmit, errors: clientErrors ?? serverErrors ?? {} };
}
